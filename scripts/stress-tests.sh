#!/usr/bin/env bash
# Runs the whole test suite N times while every core is kept busy, and reports every failure:
# a test that passes only on an idle machine is a timing assumption, and CI runs on a loaded one.
#
#   scripts/stress-tests.sh N [extra swift test arguments]
#
# The load is stress-ng (one CPU worker per core; installed from Debian when missing and
# possible), else one busy shell loop per core; STRESS_LOAD=none adds none (the machine is
# loaded otherwise, e.g. by scripts/fuzz.sh). Logs of failed runs stay in $STRESS_LOGS
# (default: a temporary folder). Exits non-zero when any run failed.
set -uo pipefail
cd "$(dirname "$0")/.."
runs=${1:?usage: scripts/stress-tests.sh N [swift test arguments]}
shift
logs=${STRESS_LOGS:-$(mktemp -d /tmp/gongspool-stress.XXXXXX)}
mkdir -p "$logs"
cores=$(nproc)

if ! command -v stress-ng >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq stress-ng >/dev/null 2>&1 || true
fi
load_pids=()
start_load() {
  if [ "${STRESS_LOAD:-}" = none ]; then
    return
  elif command -v stress-ng >/dev/null 2>&1; then
    stress-ng --cpu "$cores" --timeout 0 --quiet &
    load_pids+=($!)
  else
    for _ in $(seq "$cores"); do (while :; do :; done) & load_pids+=($!); done
  fi
}
stop_load() {
  for pid in "${load_pids[@]}"; do kill "$pid" 2>/dev/null; done
  wait "${load_pids[@]}" 2>/dev/null
  load_pids=()
}
trap stop_load EXIT

echo "stress: building the tests (unloaded)"
swift build --build-tests >"$logs/build.log" 2>&1 || { tail -30 "$logs/build.log"; exit 2; }

start_load
load="$(command -v stress-ng >/dev/null && echo stress-ng || echo shell loops)"
[ "${STRESS_LOAD:-}" = none ] && load="the machine's own load"
echo "stress: $runs runs of the whole suite with $cores busy cores ($load)"
failed=0
for run in $(seq "$runs"); do
  log="$logs/run-$run.log"
  started=$(date +%s)
  swift test --skip-build "$@" >"$log" 2>&1
  status=$?
  seconds=$(( $(date +%s) - started ))
  summary=$(grep -E "^(✔|✘) Test run with" "$log" | tail -1)
  if [ $status -eq 0 ]; then
    echo "stress: run $run passed in ${seconds}s — ${summary:-no summary}"
    rm -f "$log"
  else
    failed=$((failed + 1))
    echo "stress: run $run FAILED (exit $status) in ${seconds}s — ${summary:-no summary}; log: $log"
    grep -E "^✘ Test [^r]|recorded an issue|error:" "$log" | grep -v "^✘ Test run" | head -12 | sed 's/^/        /'
  fi
done
stop_load
echo "stress: $((runs - failed)) of $runs runs passed"
[ $failed -eq 0 ]

#!/usr/bin/env bash
# Fuzzes every parser of untrusted bytes with libFuzzer (see docs/fuzzing.md).
#
#   scripts/fuzz.sh SECONDS [TARGET ...]   run each target (all by default) for SECONDS
#   scripts/fuzz.sh 0                      replay the seed corpus and every kept crash only
#
# Each target first replays Fuzz/Corpus/<target> and Fuzz/Crashes/<target>, then mutates.
# Exits non-zero when any target crashed (a trap, an AddressSanitizer finding, a timeout or
# an out-of-memory), printing the reproducer and the command that replays it. New corpus
# entries go to a temporary folder (FUZZ_WORK keeps them), never into the repository.
# FUZZ_JOBS targets run at once (default: the number of cores).
set -uo pipefail
cd "$(dirname "$0")/.."
seconds=${1:?usage: scripts/fuzz.sh SECONDS [TARGET ...]}
shift
jobs=${FUZZ_JOBS:-$(nproc)}
work=${FUZZ_WORK:-$(mktemp -d /tmp/gongspool-fuzz.XXXXXX)}
mkdir -p "$work"

# The dependencies are built as usual (and shared with `swift build`); GongSpool, its fuzz
# targets and the driver are compiled with -sanitize=fuzzer,address.
echo "fuzz: building (GONGSPOOL_FUZZ=1 swift build --product gongspool-fuzz)"
if ! GONGSPOOL_FUZZ=1 swift build --product gongspool-fuzz ${FUZZ_BUILD_FLAGS:-} >"$work/build.log" 2>&1; then
  grep -E "error" -A3 "$work/build.log" | head -40
  echo "fuzz: build failed (log: $work/build.log)"
  exit 2
fi
bin=$(GONGSPOOL_FUZZ=1 swift build --product gongspool-fuzz --show-bin-path ${FUZZ_BUILD_FLAGS:-})/gongspool-fuzz
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  mapfile -t targets < <(GONGSPOOL_FUZZ_TARGET= "$bin" 2>/dev/null | awk 'NR > 1 { print $1 }')
fi

run_one() {
  local target=$1 seconds=$2 bin=$3 work=$4
  local corpus=("$work/corpus/$target" "Fuzz/Corpus/$target")
  mkdir -p "$work/corpus/$target" "$work/artifacts/$target"
  [ -d "Fuzz/Crashes/$target" ] && corpus+=("Fuzz/Crashes/$target")
  local limit=(-max_total_time="$seconds")
  [ "$seconds" = 0 ] && limit=(-runs=0)
  # Leaks are not looked for: FoundationXML leaks 72 bytes per malformed document (its own
  # error object), which is not GongSpool's and is not a trap.
  ASAN_OPTIONS=detect_leaks=0:handle_abort=1 SWIFT_BACKTRACE=enable=no GONGSPOOL_FUZZ_TARGET=$target "$bin" "${limit[@]}" -timeout=20 -rss_limit_mb=2048 -detect_leaks=0 \
    -artifact_prefix="$work/artifacts/$target/" "${corpus[@]}" >"$work/$target.log" 2>&1
  local status=$?
  local runs
  runs=$(grep -oE '(Done [0-9]+ runs|#[0-9]+[[:space:]]+(DONE|INITED))' "$work/$target.log" | tail -1 | grep -oE '[0-9]+' | head -1)
  if [ $status -eq 0 ]; then
    printf 'fuzz: %-20s ok      %10s executions in %ss\n' "$target" "${runs:-?}" "$seconds"
  else
    printf 'fuzz: %-20s CRASHED (exit %d)\n' "$target" "$status"
    grep -E "ERROR|Fatal error|SUMMARY|Test unit written" "$work/$target.log" | head -8 | sed 's/^/      /'
    for unit in "$work/artifacts/$target"/*; do
      [ -e "$unit" ] && echo "      replay: GONGSPOOL_FUZZ_TARGET=$target $bin $unit   (keep it: cp $unit Fuzz/Crashes/$target/)"
    done
  fi
  return $status
}
export -f run_one

failed=0
printf '%s\n' "${targets[@]}" | xargs -P "$jobs" -I{} bash -c 'run_one "$@"' _ {} "$seconds" "$bin" "$work" || failed=1
echo "fuzz: logs and new corpus entries in $work"
if [ $failed -ne 0 ]; then
  echo "fuzz: at least one target crashed"
  exit 1
fi
echo "fuzz: ${#targets[@]} targets, no crash"

#!/usr/bin/env bash
# Media upload benchmark: GongSpool's streamed multipart PUT vs `curl -F`, same file size,
# same loopback receiver (the Gong simulator, unthrottled), same run. Prints throughput,
# peak RSS and the ratio against curl. Usage: Benchmarks/upload.sh [SIZE_MIB ...] (default 100 1024)
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("${@:-100 1024}")
[ $# -eq 0 ] && sizes=(100 1024)
swift build -c release --product gongspool >/dev/null
swift build -c release --product upload-bench >/dev/null
bin=$(swift build -c release --show-bin-path)
work=$(mktemp -d /tmp/gongspool-bench.XXXXXX)
port=$((20000 + RANDOM % 20000))
"$bin/gongspool" simulate --port "$port" --requests-per-second 0 >"$work/sim.log" 2>&1 &
sim=$!
trap 'kill $sim 2>/dev/null; rm -rf "$work"' EXIT
sleep 1
base="http://127.0.0.1:$port"
auth="simulator-key:simulator-secret"

# Runs a command, prints "seconds maxrss_kib" of the child.
measure() {
  python3 - "$@" <<'PY'
import resource, subprocess, sys, time
t = time.monotonic()
out = subprocess.run(sys.argv[1:], capture_output=True, text=True)
dt = time.monotonic() - t
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
sys.stdout.write(f"{dt:.3f} {rss} {out.returncode} {out.stdout.strip()!r}\n")
PY
}

printf '%-8s %-10s %10s %12s %10s\n' size client MiB/s peakRSS_MiB ratio
for mib in "${sizes[@]}"; do
  # Two files of random bytes (the simulator refuses identical content twice).
  head -c $((mib * 1048576)) /dev/urandom >"$work/a.wav"
  head -c $((mib * 1048576)) /dev/urandom >"$work/b.wav"
  # curl: create a call, then PUT the file as multipart.
  call=$(curl -s -u "$auth" -H 'Content-Type: application/json' \
    -d "{\"clientUniqueId\":\"curl:$mib:$RANDOM\",\"actualStart\":\"2026-11-22T10:00:00Z\",\"direction\":\"Inbound\",\"primaryUser\":\"1\",\"parties\":[{\"userId\":\"1\"}]}" \
    "$base/v2/calls" | python3 -c 'import json,sys; print(json.load(sys.stdin)["callId"])')
  read -r c_s c_rss c_rc _ < <(measure curl -s -o /dev/null -w '%{http_code}' -H 'Expect:' -u "$auth" -X PUT \
    -F "mediaFile=@$work/a.wav;type=audio/wav" "$base/v2/calls/$call/media")
  read -r g_s g_rss g_rc _ < <(measure "$bin/upload-bench" "$base" "$work/b.wav")
  c_tp=$(python3 -c "print(f'{$mib/$c_s:.0f}')")
  g_tp=$(python3 -c "print(f'{$mib/$g_s:.0f}')")
  ratio=$(python3 -c "print(f'{$c_s/$g_s:.2f}')")
  printf '%-8s %-10s %10s %12s %10s\n' "${mib}MiB" curl "$c_tp" "$((c_rss / 1024))" "1.00"
  printf '%-8s %-10s %10s %12s %10s\n' "${mib}MiB" gongspool "$g_tp" "$((g_rss / 1024))" "$ratio"
done

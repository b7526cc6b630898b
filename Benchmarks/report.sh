#!/usr/bin/env bash
# gongspool report and gongspool list (table and --json) over a large state: their peak memory
# (RSS, /usr/bin/time) and time against, in the same run, sqlite3 reading every row (the
# floor); and `gongspool erase --dry-run` for a number no row
# carries (the search every erasure makes: every row read, its request parsed). The state is the demo's, its rows copied N times with
# sqlite3 (default 100,000 rows).
#   Benchmarks/report.sh [ROWS]        (needs sqlite3 and /usr/bin/time: apt-get install sqlite3 time)
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-100000}
bin=${GONGSPOOL_BIN:-.build/release/gongspool}
[ -x "$bin" ] || swift build -c release --product gongspool >/dev/null
for tool in sqlite3 /usr/bin/time; do command -v "$tool" >/dev/null || { echo "$tool is needed" >&2; exit 1; }; done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$bin" demo --directory "$work/demo" >/dev/null
db="$work/demo/state.sqlite"
seed=$(sqlite3 "$db" "SELECT count(*) FROM recordings")
copies=$(( (rows + seed - 1) / seed ))
columns=$(sqlite3 "$db" "SELECT group_concat(name, ', ') FROM pragma_table_info('recordings') WHERE name NOT IN ('id', 'stem', 'clientUniqueId', 'sha256', 'duplicateOf')")
sqlite3 "$db" "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $copies)
  INSERT INTO recordings (stem, clientUniqueId, sha256, $columns)
  SELECT stem || '-' || i, clientUniqueId || '-' || i, sha256 || i, $columns FROM recordings, n"
total=$(sqlite3 "$db" "SELECT count(*) FROM recordings")
config="$work/demo/gongspool.yaml"

measure() {  # label, command…: prints "label KiB seconds"
  local label=$1; shift
  /usr/bin/time -f "%M %e" -o "$work/time" "$@" >"$work/out" 2>/dev/null
  read -r kib seconds <"$work/time"
  printf '%s %s %s %s\n' "$label" "$kib" "$seconds" "$(wc -l <"$work/out")"
}
echo "state: $total rows ($(du -h "$db" | cut -f1))"
r=$(measure report "$bin" report --config "$config" --since 2000-01-01)
j=$(measure "report-json" "$bin" report --config "$config" --since 2000-01-01 --format json)
l=$(measure "list-json" "$bin" list --config "$config" --json)
t=$(measure "list" "$bin" list --config "$config")
s=$(measure sqlite3 sqlite3 "$db" "SELECT * FROM recordings")
e=$(measure "erase-find" "$bin" erase --config "$config" --phone +15550000000 --dry-run)
printf '%-12s %10s %8s %9s\n' "" "peak RSS" "seconds" "lines"
for m in "$r" "$j" "$l" "$t" "$s" "$e"; do
  read -r label kib seconds lines <<<"$m"
  printf '%-12s %7d MiB %8s %9s\n' "$label" $((kib / 1024)) "$seconds" "$lines"
done
read -r _ rk rs _ <<<"$r"; read -r _ lk ls _ <<<"$l"; read -r _ tk ts _ <<<"$t"; read -r _ sk ss _ <<<"$s"; read -r _ ek es _ <<<"$e"
awk -v rk="$rk" -v lk="$lk" -v tk="$tk" -v sk="$sk" -v rs="$rs" -v ls="$ls" -v ts="$ts" -v ss="$ss" -v ek="$ek" -v es="$es" 'BEGIN {
  printf "report peak RSS: %.2fx of sqlite3; time %.2fx of sqlite3\n", rk / sk, (ss > 0 ? rs / ss : 0)
  printf "list peak RSS: --json %.2fx, table %.2fx of the report'"'"'s; time: --json %.2fx, table %.2fx of the report'"'"'s\n", lk / rk, tk / rk, (rs > 0 ? ls / rs : 0), (rs > 0 ? ts / rs : 0)
  printf "erase search: %.2fx the report'"'"'s time, %.2fx its peak RSS\n", (rs > 0 ? es / rs : 0), ek / rk }'

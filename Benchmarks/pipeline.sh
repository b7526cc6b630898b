#!/usr/bin/env bash
# Pipeline benchmarks (release build), each with a ratio against a reference from the same run:
# poll cost vs `find`, end-to-end recordings/s vs a bare client, rate-limit saturation at 3/s,
# the level measurement vs the plain hash.
# Usage: Benchmarks/pipeline.sh [poll|e2e|scale|ratelimit|level|stores|all] ; RATE_SECONDS=60 by default.
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:-all}
swift build -c release --product pipeline-bench >/dev/null
bin=$(swift build -c release --show-bin-path)/pipeline-bench
if [ "$what" = poll ] || [ "$what" = all ]; then
  "$bin" poll 10000
  "$bin" poll 100000
fi
if [ "$what" = e2e ] || [ "$what" = all ]; then
  "$bin" e2e 2000
fi
if [ "$what" = scale ] || [ "$what" = all ]; then
  "$bin" scale 365            # 365 folders x 1,000 files, 1M rows
fi
if [ "$what" = ratelimit ] || [ "$what" = all ]; then
  "$bin" ratelimit "${RATE_SECONDS:-60}"
fi
if [ "$what" = stores ] || [ "$what" = all ]; then
  # SQLite vs PostgreSQL in the same run, against an unthrottled simulator.
  . scripts/pg-temp-cluster.sh
  for name in bench_deliver bench_claim; do pg_create_database "$name"; done
  GONGSPOOL_BENCH_POSTGRES_URL="$PG_URL_BASE/bench" "$bin" stores "${STORE_RECORDINGS:-1000}"
fi
if [ "$what" = level ] || [ "$what" = all ]; then
  "$bin" level 10             # 10-minute WAVs: 8 kHz and 48 kHz, 16/24-bit, float, µ-law, A-law
  swift build -c release --product gongspool >/dev/null
  "$bin" level-daemon 20      # the real daemon (run --dry-run) with and without the level
fi

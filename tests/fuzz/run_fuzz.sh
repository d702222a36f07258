#!/usr/bin/env bash
# Builds a parser's libFuzzer target with clang (ASan + UBSan) and runs it
# for a bounded time, seeded from ../shared/data and hand-written samples.
#   run_fuzz.sh TARGET SECONDS
#   (TARGET: binance_parser, mexc_parser or replay_reader)
# Exit 0 when the run is clean; a crash leaves its input in the work dir.
set -euo pipefail
target=${1:?usage: run_fuzz.sh TARGET SECONDS}
seconds=${2:-20}
src=$(cd "$(dirname "$0")/../.." && pwd)
data=$(cd "$src/.." && pwd)/shared/data
work=$(mktemp -d "/tmp/cdb-fuzz-$target.XXXXXX")
trap 'rm -rf "$work"' EXIT
command -v clang++ >/dev/null || { echo "clang++ missing (scripts/deps.sh installs it)"; exit 1; }

sources=("$src/actors/feed/${target}.cpp")
if [ "$target" = replay_reader ]; then
  sources+=("$src/actors/feed/replay_rows.cpp" "$src/actors/feed/replay_text.cpp"
    "$src/actors/feed/line_reader.cpp" "$src/actors/feed/binance_parser.cpp")
fi
clang++ -std=c++17 -O1 -g -fsanitize=fuzzer,address,undefined \
  -fno-sanitize-recover=undefined -I"$src" \
  "$src/tests/fuzz/${target}_fuzz.cpp" "${sources[@]}" \
  -lsimdjson -o "$work/fuzz"

mkdir -p "$work/corpus"
# Seeds: the first 200 recorded stream messages, one per file (Binance's;
# no MEXC recording is shipped), plus samples of every message shape the
# parser knows.
if [ "$target" = binance_parser ] && [ -f "$data/binance-spot-xrpeth-aggtrade-ws-2019-10.jsonl" ]; then
  head -n 200 "$data/binance-spot-xrpeth-aggtrade-ws-2019-10.jsonl" |
    split -l 1 - "$work/corpus/rec-"
fi
# The replay reader: the first 20 lines of every shipped file, header kept.
if [ "$target" = replay_reader ]; then
  for f in "$data"/*.csv "$data"/*.jsonl; do
    [ -f "$f" ] && sed -n 1,20p "$f" >"$work/corpus/$(basename "$f")"
  done
fi
cp "$src"/tests/fuzz/seeds/"$target"/* "$work/corpus/" 2>/dev/null || true

cd "$work"
"$work/fuzz" -max_total_time="$seconds" -max_len=4096 -timeout=5 \
  -rss_limit_mb=1024 -print_final_stats=1 \
  -dict="$src/tests/fuzz/json.dict" "$work/corpus" 2>"$work/log" || {
  status=$?
  tail -n 40 "$work/log"
  mkdir -p "$src/build/fuzz-crashes"
  cp "$work"/crash-* "$work"/leak-* "$work"/timeout-* \
    "$src/build/fuzz-crashes/" 2>/dev/null || true
  echo "fuzz $target: FAILED (status $status); inputs in build/fuzz-crashes"
  exit 1
}
grep -E "stat::number_of_executed_units|stat::peak_rss_mb" "$work/log" || true
echo "fuzz $target: clean for ${seconds}s"

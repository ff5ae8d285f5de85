#!/bin/sh
# demo.sh: run the gammaray pipeline that exists so far on the bundled fixtures and say
# where the results went. Called by `make demo` with BIN set to the built programs.
set -eu
: "${BIN:?}"
out=out/demo
rm -rf "$out"
mkdir -p "$out"

run() { printf '  $ %s\n' "$*"; }

echo "gammaray demo: CloudWatch Logs export + X-Ray traces (fixtures/) -> $out/"
run gammaray-fetch --export-tasks fixtures/export-tasks.json fixtures/export fixtures/corpus
"$BIN/gammaray-fetch" --stats --export-tasks fixtures/export-tasks.json \
	fixtures/export fixtures/corpus >"$out/events.ndjson" 2>"$out/fetch.log" || true
echo "  -> $out/events.ndjson: $(wc -l <"$out/events.ndjson") events"
echo "     (fixtures/corpus holds deliberately odd real samples; $out/fetch.log says what was skipped and why)"
if [ -x "$BIN/gammaray-infer" ]; then
	run gammaray-infer "$out/events.ndjson"
	"$BIN/gammaray-infer" "$out/events.ndjson" >"$out/graph.ndjson" 2>"$out/infer.log" || true
	echo "  -> $out/graph.ndjson"
fi
if [ -x "$BIN/gammaray-critpath" ] && [ -f "$out/graph.ndjson" ]; then
	run gammaray-critpath "$out/graph.ndjson"
	"$BIN/gammaray-critpath" "$out/graph.ndjson" >"$out/critpath.txt" 2>&1 || true
	echo "  -> $out/critpath.txt"
fi
if [ -x "$BIN/gammaray-dot" ] && [ -f "$out/graph.ndjson" ]; then
	run gammaray-dot -T svg "$out/graph.ndjson"
	"$BIN/gammaray-dot" -T svg -o "$out/graph.svg" "$out/graph.ndjson" 2>"$out/dot.log" || true
	echo "  -> $out/graph.svg"
fi
echo "done: results are in $out/"

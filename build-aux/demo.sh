#!/bin/sh
# demo.sh: `make demo`: the whole pipeline on bundled data, and where the results went.
# A small application is simulated with gammaray-synth (deterministic: seed 7), so the
# answers can be checked against its ground truth; then the hand-built export and the
# real AWS samples in fixtures/ go through gammaray-fetch too.
set -eu
: "${BIN:?}"
PATH=$BIN:$PATH
out=out/demo
rm -rf "$out"
mkdir -p "$out"

say() { printf '  $ %s\n' "$*"; }

echo "gammaray demo: a simulated Lambda application, logs + X-Ray -> causes and critical paths"
say gammaray-synth -o $out/app --app webapp --runs 30 --seed 7 --sample-rate 0.5
gammaray-synth -q -o "$out/app" --app webapp --runs 30 --seed 7 --sample-rate 0.5

say "gammaray-fetch --export-tasks $out/app/export-tasks.json $out/app/export $out/app/xray > $out/events.ndjson"
gammaray-fetch --stats --export-tasks "$out/app/export-tasks.json" "$out/app/export" "$out/app/xray" \
	>"$out/events.ndjson" 2>"$out/fetch.log"
say "gammaray-infer $out/events.ndjson > $out/graph.ndjson"
gammaray-infer --stats "$out/events.ndjson" >"$out/graph.ndjson" 2>"$out/infer.log"
say "gammaray-critpath $out/graph.ndjson > $out/critpath.txt"
gammaray-critpath "$out/graph.ndjson" >"$out/critpath.txt"
gammaray-critpath --json "$out/graph.ndjson" >"$out/critpath.json"
say "gammaray-critpath --annotate $out/graph.ndjson | gammaray-dot -T svg -o $out/app.svg"
gammaray-critpath --annotate "$out/graph.ndjson" | gammaray-dot --view functions -T svg -o "$out/app.svg"
slowest=$(gammaray-critpath --json "$out/graph.ndjson" |
	sed -n 's/.*"root":"\([^"]*\)".*"latency_us":\([0-9]*\).*/\2 \1/p' | sort -n | tail -n 1 | cut -d' ' -f2)
if [ -n "$slowest" ]; then
	say "... | gammaray-dot --root $slowest -T svg -o $out/slowest-run.svg"
	gammaray-critpath --annotate "$out/graph.ndjson" |
		gammaray-dot --view invocations --root "$slowest" -T svg -o "$out/slowest-run.svg"
fi
say "gammaray-report -o $out/report.html $out/graph.ndjson"
gammaray-report -q -o "$out/report.html" "$out/graph.ndjson"
gammaray-score "$out/app/truth.ndjson" "$out/graph.ndjson" >"$out/score.txt" 2>&1 || true

echo
echo "the hand-built export and the real AWS samples in fixtures/:"
say "gammaray-fetch --export-tasks fixtures/export-tasks.json fixtures/export fixtures/corpus > $out/fixtures-events.ndjson"
gammaray-fetch -q --stats --export-tasks fixtures/export-tasks.json fixtures/export fixtures/corpus \
	>"$out/fixtures-events.ndjson" 2>"$out/fixtures-fetch.log" || true

echo
echo "what determined latency (top of $out/critpath.txt):"
sed -n '1,14p' "$out/critpath.txt" | sed 's/^/  /'
echo
echo "inferred edges against the simulation's truth ($out/score.txt):"
grep -E '^(kind|all)' "$out/score.txt" | sed 's/^/  /'
echo
echo "results are in $out/:"
echo "  report.html        all of it in one page, self-contained (gammaray-report)"
echo "  app.svg            the application as it ran (functions, services, critical path in red)"
[ -n "$slowest" ] && echo "  slowest-run.svg    the slowest run, invocation by invocation"
echo "  critpath.txt/json  critical paths of every run, and where the time went"
echo "  graph.ndjson       invocations and causal edges (gammaray-graph(5))"
echo "  events.ndjson      the normalized event stream (gammaray-events(5))"
echo "  score.txt          precision and recall against the ground truth in app/truth.ndjson"
echo "  *.log              what each program read, skipped and why (--stats)"
echo
echo "the report: open $(pwd)/$out/report.html in a browser"

# --cost and --prices: each function's cost beside its time in the function view (and
# in its tooltip), each invocation's in the invocation view's tooltips; functions
# without Billed Duration or Memory Size say "cost unknown", never $0. The costs are
# tests/cli/critpath_cost's, priced by hand there (resize on arm64: 9,533,380
# pico-dollars = $0.000009533380).
gammaray-dot --prices fixtures/critpath/cost.prices --view functions \
	fixtures/critpath/cost.graph.ndjson >"$TMP/o.dot"
echo "status $?"
dot -Tcanon "$TMP/o.dot" >/dev/null || echo "graphviz cannot read the DOT"
grep -E 'legend_fn|^	f[0-9]' "$TMP/o.dot"
echo "== invocation view: in the tooltips; without --prices a warning"
gammaray-dot --cost --view invocations fixtures/critpath/cost.graph.ndjson 2>"$TMP/err" |
	grep -o 'cost: [^\\"]*' | sort | uniq -c
cat "$TMP/err"
echo "== X-Ray only: cost unknown"
grep -v '"type":"report"\|"type":"start"' fixtures/infer/xray.ndjson | gammaray-infer -q |
	gammaray-dot -q --cost --view functions | grep -o 'cost[^\\"]*' | sort | uniq -c

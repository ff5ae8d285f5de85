# function view of the small fixture: functions, service resources, statistics
gammaray-dot --view functions fixtures/dot/small.ndjson >"$TMP/o.dot"
echo "status $?"
dot -Tcanon "$TMP/o.dot" >/dev/null || echo "graphviz cannot read the DOT"
cat "$TMP/o.dot"
echo "== a dense view: 12 functions each invoking each (144 edges, over 100): edge labels"
echo "== become xlabels (placed after the layout), the legend's stay labels; the small"
echo "== view above has none"
awk 'BEGIN {
	print "{\"type\":\"gammaray-graph\",\"v\":1}"
	for (i = 0; i < 12; i++)
		for (j = 0; j < 12; j++) {
			k = i * 12 + j
			printf "{\"type\":\"node\",\"id\":\"a%d\",\"fn\":\"f%d\",\"start_us\":%d,\"end_us\":%d,\"init_us\":0,\"cold\":false,\"status\":\"ok\"}\n", k, i, k * 1000, k * 1000 + 500
			printf "{\"type\":\"node\",\"id\":\"b%d\",\"fn\":\"f%d\",\"start_us\":%d,\"end_us\":%d,\"init_us\":0,\"cold\":false,\"status\":\"ok\"}\n", k, j, k * 1000 + 100, k * 1000 + 300
			printf "{\"type\":\"edge\",\"from\":\"a%d\",\"to\":\"b%d\",\"kind\":\"lambda\",\"sync\":true,\"evidence\":\"marker\",\"confidence\":1.000,\"cause_us\":%d,\"delay_us\":100}\n", k, k, k * 1000
		}
}' >"$TMP/dense.ndjson"
gammaray-dot --view functions "$TMP/dense.ndjson" >"$TMP/dense.dot"
echo "status $?"
dot -Tcanon "$TMP/dense.dot" >/dev/null || echo "graphviz cannot read the DOT"
echo "edges $(grep -c -- '-> f' "$TMP/dense.dot"), with xlabel $(grep -- '-> f' "$TMP/dense.dot" | grep -c ' xlabel=')," \
	"with label $(grep -- '-> f' "$TMP/dense.dot" | grep -c '[[ ]label=')"
echo "small view: xlabels $(grep -c 'xlabel=' "$TMP/o.dot")"
echo "== a function's runtime in its tooltip: the real SnapStart sample (java:21.v38) and"
echo "== the same log as Python, both of the one unnamed function: the first invocation's"
echo "== runtime, and how many invocations ran on another"
sed 's/java:21\.v38/python:3.12.v16/; s/dfdd669e/dfdd669f/g' fixtures/logs/snapstart-export.txt >"$TMP/snap-py.txt"
gammaray-fetch -q fixtures/logs/snapstart-export.txt "$TMP/snap-py.txt" | gammaray-infer -q |
	gammaray-dot --view functions | grep -o 'runtime: [^"\\]*'

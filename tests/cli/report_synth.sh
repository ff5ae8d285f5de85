# gammaray-report of a small simulated workload: the page's data parses and equals
# gammaray-critpath's --json and report on the same graph; annotated input gives the
# same data
gammaray-synth -q -o "$TMP/s" -n 60 -s 5
gammaray-fetch -q --export-tasks "$TMP/s/export-tasks.json" "$TMP/s/export" "$TMP/s/xray" |
	gammaray-infer -q >"$TMP/graph.ndjson"
gammaray-report -q -o "$TMP/r.html" --top 10 "$TMP/graph.ndjson"; echo "exit $?"
/usr/bin/python3 tests/cli/report_check.py "$TMP/r.html" "$TMP/graph.ndjson"
gammaray-critpath --annotate "$TMP/graph.ndjson" | gammaray-report -q -o "$TMP/a.html" --top 10
x() { sed -n 's/.*<script type="application\/json" id="gr-data">\(.*\)<\/script>$/\1/p' "$1" | cksum; }
[ "$(x "$TMP/r.html")" = "$(x "$TMP/a.html")" ] && [ "$(x "$TMP/r.html" | cut -d" " -f2)" -gt 10000 ] &&
	echo "annotated input: the same data"

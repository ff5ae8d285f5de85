# an input meant for another stage: said once, with what to run first (not one loss
# per line), counted lost under one reason (exit 1); the next input is still read
graph=fixtures/critpath/basic.graph.ndjson
for f in fixtures/logs/filter-log-events.json fixtures/real/sam-logs.txt \
	 fixtures/real/console-copy-json.txt fixtures/real/lambda-insights.ndjson \
	 fixtures/xray/*.json; do
	[ -f "$f" ] || continue
	echo "== $f"
	gammaray-infer "$f" >/dev/null 2>"$TMP/err"; echo "infer exit $? messages $(wc -l <"$TMP/err")"
	head -1 "$TMP/err"
	gammaray-critpath "$f" "$graph" >/dev/null 2>"$TMP/err"; echo "critpath exit $? messages $(wc -l <"$TMP/err")"
	head -1 "$TMP/err"
	gammaray-dot "$f" "$graph" >"$TMP/dot" 2>"$TMP/err"; echo "dot exit $? messages $(wc -l <"$TMP/err") drew $(grep -c -- '->' "$TMP/dot") edges"
done
echo "== a graph given to infer, an event stream given to dot"
gammaray-infer -q "$graph" >/dev/null; echo "exit $?"
gammaray-fetch -q fixtures/real/pulumi-logs.txt >"$TMP/ev"
gammaray-dot -q "$TMP/ev" >/dev/null; echo "exit $?"

# gammaray-report: help, usage errors, an event stream given by mistake, standard input
gammaray-report --help | head -n 1
gammaray-report --top x 2>&1; echo "exit $?"
gammaray-report --bogus 2>&1 >/dev/null | head -n 1
gammaray-report --bogus 2>/dev/null; echo "exit $?"
gammaray-report fixtures/infer/markers.ndjson 2>&1 >/dev/null; echo "exit $?"
gammaray-report <fixtures/critpath/basic.graph.ndjson | grep -c '<script type="application/json" id="gr-data">'
gammaray-report --stats=json -o "$TMP/r.html" fixtures/critpath/basic.graph.ndjson 2>&1 |
	sed 's/"bytes":[0-9]*/"bytes":N/g; s/"bytes_in":[0-9]*/"bytes_in":N/; s/"page_bytes":[0-9]*/"page_bytes":N/'

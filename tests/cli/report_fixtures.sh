# gammaray-report of the fixture graphs: each page's data parses and its runs, segments,
# shares and map equal gammaray-critpath's and gammaray-dot's
for g in fixtures/critpath/basic.graph.ndjson fixtures/dot/small.ndjson fixtures/dot/hostile.ndjson; do
	echo "== $g"
	gammaray-report -q -o "$TMP/r.html" "$g"; echo "exit $?"
	/usr/bin/python3 tests/cli/report_check.py "$TMP/r.html" "$g"
done

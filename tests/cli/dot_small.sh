# invocation view of the small fixture: golden DOT that Graphviz parses
gammaray-dot fixtures/dot/small.ndjson >"$TMP/o.dot"
echo "status $?"
dot -Tcanon "$TMP/o.dot" >/dev/null || echo "graphviz cannot read the DOT"
cat "$TMP/o.dot"

# function view of the small fixture: functions, service resources, statistics
gammaray-dot --view functions fixtures/dot/small.ndjson >"$TMP/o.dot"
echo "status $?"
dot -Tcanon "$TMP/o.dot" >/dev/null || echo "graphviz cannot read the DOT"
cat "$TMP/o.dot"

# over --max-nodes the invocation view keeps whole runs and says what it left out
gammaray-dot --view invocations --max-nodes 5 --no-legend --stats fixtures/dot/small.ndjson \
	>"$TMP/o.dot" 2>"$TMP/err"
echo "status $?"
dot -Tcanon "$TMP/o.dot" >/dev/null || echo "graphviz cannot read the DOT"
grep -v 'bytes (' "$TMP/err"
cat "$TMP/o.dot"
# a first run larger than the limit is cut, critical invocations first
gammaray-dot --max-nodes 2 --view invocations --no-legend fixtures/dot/small.ndjson |
	grep -o 'label="[^"]*"\|tooltip="request id: [^\\]*'

# selection of runs by root (any member), trace, function and time window
sel() {
	echo "== $*"
	gammaray-dot --no-legend --stats "$@" fixtures/dot/small.ndjson >"$TMP/o.dot" 2>"$TMP/err"
	echo "status $?"
	dot -Tcanon "$TMP/o.dot" >/dev/null || echo "graphviz cannot read the DOT"
	grep -v 'bytes (\|records in' "$TMP/err"
	grep -o 'tooltip="request id: [^\\]*' "$TMP/o.dot"
}
sel --root 66666666-6666-4666-8666-666666666666
sel --trace 1-66321a40-aaaaaaaaaaaaaaaaaaaaaaaa
sel --function notify --function thumbs-index
sel --function upload --since 2024-05-01T12:00:01Z
sel --until 2024-05-01T12:00:01Z --view functions
sel --function nothing-like-it
sel --root no-such-request

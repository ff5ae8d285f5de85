# bad input: lost records named by file and line, exit 1; usage errors exit 2
cp fixtures/dot/small.ndjson "$TMP/small.ndjson"
cd "$TMP"
run() {
	echo "== $*"
	gammaray-dot "$@" >out.dot 2>err.txt
	echo "status $?"
	grep -v 'bytes (' err.txt
	[ -s out.dot ] && { dot -Tcanon out.dot >/dev/null && echo "dot ok" || echo "dot FAILED"; }
}
{ head -3 small.ndjson; echo '{"type":"node"'; echo 'not json';
  echo '{"type":"edge","from":"a"}'; echo '{"type":"edge","from":"a","to":"b","kind":"ftp"}'; } >bad.ndjson
run --stats bad.ndjson
run --strict bad.ndjson
run -q bad.ndjson
printf '{"type":"gammaray-events","v":1}\n' >events.ndjson
run events.ndjson
printf '{"type":"gammaray-graph","v":2}\n' >v2.ndjson
run v2.ndjson
run missing.ndjson small.ndjson
run --root nobody small.ndjson
run -T gif x
run --view everything x
run --rankdir XY x
run --max-nodes -1 x
run --since 2024-05-02T00:00:00Z --until 2024-05-01T00:00:00Z x
: >empty.ndjson
run empty.ndjson

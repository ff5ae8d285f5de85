# bad input is counted and named; bad usage exits 2
cd "$TMP"
top=$OLDPWD
run() {
	echo "== $*"
	gammaray-critpath "$@" >out.txt 2>err.txt
	echo "status $?"
	cat err.txt
	head -c 300 out.txt
}
cp "$top/fixtures/critpath/basic.graph.ndjson" basic.ndjson
{ head -3 basic.ndjson; echo 'not json'; echo '{"type":"edge","from":"a"}'; } >bad.ndjson
run --stats --top 0 bad.ndjson
run --json --folded x
run --annotate --request x
run --slack x
run --root nobody basic.ndjson
run --root 00000003-0000-4000-8000-000000000003 --json basic.ndjson
run --tolerance 5parsecs x
run --overlap 0.9 x
run missing.ndjson
printf '{"type":"gammaray-graph","v":1}\n' >graph.ndjson
run --request graph.ndjson
printf '{"type":"gammaray-events","v":1}\n{"type":"start","req":"r"}\n{"type":"segment","id":"s","start_us":5}\n{"type":"segment","start_us":5,"end_us":9}\n' >ev.ndjson
run --request --stats ev.ndjson
: >empty.ndjson
run empty.ndjson
run --chrome-trace empty.ndjson

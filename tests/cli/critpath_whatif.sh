# --what-if: the report and --json on the fixture; no change gives plain critpath's
# numbers on a simulated workload; usage errors name what exists; bad graphs are
# replayed, not crashed on
cd "$TMP"
top=$OLDPWD
g=$top/fixtures/critpath/basic.graph.ndjson
run() {
	echo "== $*" | sed "s|$top/||g"
	gammaray-critpath "$@" >out.txt 2>err.txt
	echo "status $?"
	cat err.txt
	cat out.txt
}
# resize twice as fast (the path goes through it), index without its cold start
run --top 2 --what-if faster=resize:2 --what-if no-cold-starts=index "$g"
run --json --what-if faster=resize:2 --what-if no-cold-starts=index "$g"
# the synchronous callee db slower: its caller api2 waits; the S3 hops' delay set
run --json --what-if slower=db:3 --what-if delay=s3:100ms "$g"
# resize removed: index (reached only through it) too, notify stays
run --json --what-if remove=resize "$g"
# a root's function removed: its run is gone
run --json --what-if remove=cron --function cron "$g"

# usage: an unknown function names the graph's; bad syntax; F <= 0; other outputs
run --what-if faster=resize-v2:2 "$g"
run --what-if faster=resize:0 "$g"
run --what-if delay=sqs:x-1 "$g"
run --what-if delay=queue:5ms "$g"
run --what-if delay=sqs:5min "$g"
run --what-if quicker=resize "$g"
run --what-if faster=resize "$g"
run --what-if faster=resize:2 --folded "$g"
run --what-if faster=resize:2 --request "$g"
run --what-if faster=resize:2 --json --slack "$g"

# bad graphs: a cycle, an invocation ending before it starts, one without times
cat >bad.ndjson <<'G'
{"type":"gammaray-graph","v":1}
{"type":"node","id":"r","fn":"f","start_us":1000000,"end_us":1100000,"init_us":0,"cold":false,"status":"ok"}
{"type":"node","id":"a","fn":"f","start_us":1200000,"end_us":1300000,"init_us":0,"cold":false,"status":"ok"}
{"type":"node","id":"b","fn":"f","start_us":1400000,"end_us":1350000,"init_us":0,"cold":false,"status":"ok"}
{"type":"node","id":"c","fn":"g","init_us":0,"cold":false,"status":"ok"}
{"type":"edge","from":"r","to":"a","kind":"sqs","sync":false,"evidence":"marker","confidence":1.000,"cause_us":1050000,"delay_us":150000}
{"type":"edge","from":"a","to":"b","kind":"sqs","sync":false,"evidence":"marker","confidence":1.000,"cause_us":1250000,"delay_us":150000}
{"type":"edge","from":"b","to":"a","kind":"sqs","sync":false,"evidence":"marker","confidence":1.000,"cause_us":1340000,"delay_us":-140000}
{"type":"edge","from":"a","to":"c","kind":"lambda","sync":true,"evidence":"marker","confidence":1.000,"cause_us":1260000,"delay_us":0}
G
run --json --what-if faster=f:2 bad.ndjson

# no change on a simulated workload: before and after equal, and equal to the
# percentiles (nearest rank) of plain critpath's latencies, per root function
gammaray-synth -q -o sim -n 80 -s 7 --sample-rate 0.5
gammaray-fetch -q --export-tasks sim/export-tasks.json sim/export sim/xray | gammaray-infer -q >sim.ndjson
gammaray-critpath --json sim.ndjson |
	sed -n 's/^{"root":"[^"]*","fn":"\([^"]*\)".*"latency_us":\([0-9]*\),.*/\1 \2/p' |
	sort -k1,1 -k2,2n | awk '
	function pct(q,  r) { r = int(q * n + 0.999999); if (r < 1) r = 1; if (r > n) r = n; return v[r] }
	function flush() { if (n) printf "%s %d %d %d %d %d\n", fn, n, pct(0.5), pct(0.95), pct(0.99), v[n] }
	$1 != fn { flush(); fn = $1; n = 0 }
	{ v[++n] = $2 }
	END { flush() }' >plain.txt
fn=$(sort -k2,2nr plain.txt | head -1 | cut -d' ' -f1)
gammaray-critpath --json --what-if "faster=$fn:1" sim.ndjson >noop.json
echo "status $?"
# function runs|before|after|changed_most
sed 's/^{"type":"what-if","function":"\([^"]*\)","runs":\([0-9]*\),.*"before":{\([^}]*\)},"after":{\([^}]*\)},"changed_most":\[\([^]]*\)\].*/\1 \2|\3|\4|\5/' noop.json |
	awk -F'|' '$2 != $3 || $4 != "" { print "after differs:", $0 }
	{ gsub(/"[a-z0-9_]*":/, "", $2); gsub(/,/, " ", $2); print $1, $2 >"noop.txt" }'
sort noop.txt >before.txt
cmp plain.txt before.txt && echo "no change: $(wc -l <plain.txt) root functions, before = after = plain critpath"
# and the text report's before line is the plain report's latency line
gammaray-critpath sim.ndjson | sed -n "s/^root function $fn: .*latency p50 \(.*\), p95 \(.*\), p99 \(.*\), max \(.*\)/\1|\2|\3|\4/p" >plain-text.txt
gammaray-critpath --what-if "faster=$fn:1" sim.ndjson |
	awk -v fn="root function $fn:" 'index($0, fn) == 1 { on = 1; next } on && $1 == "before" { print; exit }' |
	awk '{ printf "%s %s|%s %s|%s %s|%s %s\n", $2, $3, $4, $5, $6, $7, $8, $9 }' >whatif-text.txt
cmp plain-text.txt whatif-text.txt && echo "text: the same latency line"
# a real change moves some runs of that function, and none the other way
gammaray-critpath --json --what-if "slower=$fn:2" sim.ndjson |
	grep "\"function\":\"$fn\"" | grep -q '"changed_most":\[{"root"' && echo "slower=$fn:2 moves its runs"

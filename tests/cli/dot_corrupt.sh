# gammaray-dot on damaged and hostile graph streams: each case says its exit status,
# the messages (file:line), the accounting, what was drawn, and whether Graphviz
# reads the DOT back
cd "$TMP"
top=$OLDPWD
run() { # name, then gammaray-dot arguments
	n=$1; shift
	echo "== $n"
	gammaray-dot --stats --max-messages 5 "$@" >out.dot 2>err.txt
	echo "status $?"
	grep -v 'bytes (' err.txt
	if grep -q 'does not add up' err.txt; then echo UNBALANCED; fi
	if [ -s out.dot ]; then
		dot -Tcanon out.dot >canon.dot 2>dot.err && echo "graphviz reads it" || { echo "GRAPHVIZ CANNOT READ IT"; head -3 dot.err; }
	fi
}
G='{"type":"gammaray-graph","v":1}'
node() { printf '{"type":"node","id":"%s","fn":"%s","start_us":%s,"end_us":%s,"init_us":0,"cold":false,"status":"ok"}\n' "$@"; }
edge() { printf '{"type":"edge","from":"%s","to":"%s","kind":"%s","sync":false,"evidence":"marker","key":"%s","confidence":1.0,"cause_us":%s,"delay_us":0}\n' "$@"; }
cp "$top/fixtures/dot/small.ndjson" small.ndjson
# a record cut short, garbage, NUL bytes, invalid UTF-8, among good records
{ head -4 small.ndjson; printf '\000\001 binary \377\376\n{"type":"node","id":"x\377"}\n'
  printf '{"type":"node","id":"n\000ul"}\n{"type":"node","id":"nul2","start_us":5\000}\n'
  tail -n +5 small.ndjson; printf '{"type":"edge","from":"1111'; } >damaged.ndjson
run truncated-garbage-nul-utf8 damaged.ndjson
# gzip cut in the middle: reading stops there
{ echo "$G"; i=0; while [ $i -lt 3000 ]; do node "n$i" f $((i * 10)) $((i * 10 + 5)); i=$((i + 1)); done; } | gzip -n >many.gz
head -c $(($(wc -c <many.gz) / 2)) many.gz >cut.gz
run truncated-gzip cut.gz
: >empty.ndjson
run zero-bytes empty.ndjson
# a 100 MB line; 100,000 levels of nesting
{ echo "$G"; node a f 0 10; printf '{"type":"node","id":"'; head -c 104857600 /dev/zero | tr '\0' 'x'; echo '"}'; } >long.ndjson
run hundred-megabyte-line long.ndjson
{ echo "$G"; node a f 0 10; awk 'BEGIN { printf "{\"type\":\"node\",\"id\":\"b\",\"x\":"; for (i = 0; i < 100000; i++) printf "["
       for (i = 0; i < 100000; i++) printf "]"; print "}" }'; } >deep.ndjson
run deep-nesting deep.ndjson
# duplicated and reordered records: the same picture
gammaray-dot small.ndjson >want.dot 2>/dev/null
{ cat small.ndjson; awk '{ l[NR] = $0 } END { for (i = NR; i > 0; i--) print l[i] }' small.ndjson; } >dup.ndjson
run duplicated-reordered dup.ndjson
cmp -s want.dot out.dot && echo "same picture as the stream read once in order"
# self loops, a cycle, a ring without a way in, edges to invocations without a
# record, an end before the start, no times: every invocation is drawn once
{ echo "$G"; node a fa 0 100; node b fb 10 50; node c fc 20 60; node e fe 200 100
  printf '{"type":"node","id":"f"}\n'; node x fx 0 10; node y fy 5 20
  edge a a lambda k 5; edge a b s3 k 5; edge b c sqs k 30; edge c b sns k 50
  edge c ghost lambda k 35; edge ghost2 a s3 k 1; edge a e s3 k 90; edge a f s3 k 95
  edge x y sqs k 8; edge y x sqs k 15; } >cycles.ndjson
run cycles-and-ghosts cycles.ndjson
grep -c ' -> ' out.dot
run cycles-function-view --view functions cycles.ndjson
# times beyond +-2^60 us are refused
{ echo "$G"; node g f -9223372036854775807 9223372036854775807; node h f 0 1e300; node i f 0 10; } >huge.ndjson
run huge-times --view functions huge.ndjson
# hostile names: quotes and a backslash at the end (which would escape DOT's closing
# quote), Graphviz escapes, HTML, control and bidirectional characters, DOT syntax,
# a 10,000-byte name; each label shows the bytes, cut at 120 with "..."
{ echo "$G"
  cat <<'JSON'
{"type":"node","id":"q\"1","fn":"end\\","start_us":0,"end_us":10}
{"type":"node","id":"q\"2","fn":"x\"; n [label=\"pwned","start_us":10,"end_us":20}
{"type":"node","id":"q3","fn":"\\N\\G\\E\\T\\H\\L\\l\\r","start_us":20,"end_us":30}
{"type":"node","id":"<q4>","fn":"<<b>html</b>>","start_us":30,"end_us":40}
{"type":"node","id":"q5","fn":"tab\tnl\ncr\rbell\u0007esc\u001b","start_us":40,"end_us":50}
{"type":"node","id":"q6","fn":"rtl\u202eevil\u200bzero","start_us":50,"end_us":60}
{"type":"node","id":"q7","fn":"-> } { ; subgraph cluster_x","start_us":60,"end_us":70}
{"type":"node","id":"q9","fn":"&amp; &#92; &lt;","start_us":80,"end_us":90}
{"type":"edge","from":"q\"1","to":"q\"2","kind":"s3","key":"k\\","cause_us":5}
{"type":"edge","from":"q\"2","to":"q3","kind":"sqs","key":"\"}]; digraph x {","cause_us":15}
{"type":"edge","from":"q3","to":"<q4>","kind":"sns","key":"\\","cause_us":25}
{"type":"edge","from":"q5","to":"q6","kind":"events","key":"\u0000nul","cause_us":45}
{"type":"edge","from":"q6","to":"q7","kind":"sfn","key":"a\\\\\"b","cause_us":55}
{"type":"edge","from":"q7","to":"q8","kind":"dynamodb","key":"Id=1","cause_us":65}
{"type":"edge","from":"q8","to":"q9","kind":"lambda","key":"x","cause_us":75}
JSON
  awk 'BEGIN { s = ""; for (i = 0; i < 10000; i++) s = s "n"
       printf "{\"type\":\"node\",\"id\":\"q8\",\"fn\":\"%s\",\"start_us\":70,\"end_us\":80}\n", s
       printf "{\"type\":\"edge\",\"from\":\"<q4>\",\"to\":\"q5\",\"kind\":\"kinesis\",\"key\":\"%s\",\"cause_us\":35}\n", s }'
} >hostile.ndjson
run hostile-names hostile.ndjson
# the labels as Graphviz reads them: no attribute escaped its quotes
grep -c 'label=pwned\|\[label="pwned' canon.dot
grep -o 'label="[^"]*\(\\.[^"]*\)*"' canon.dot | head -12
# the 10,000-byte name and key: cut to 120 bytes and "..." in labels, 1000 in tooltips
echo "longest label $(grep -o 'label="n*\.\.\.' canon.dot | awk '{ print length($0) - 7 }' | sort -n | tail -1), longest tooltip $(grep -o 'tooltip="[^"]*' canon.dot | awk '{ print length($0) - 9 }' | sort -n | tail -1)"
run hostile-names-functions --view functions hostile.ndjson
gammaray-dot -T svg hostile.ndjson >o.svg 2>/dev/null
echo "svg status $? labels: $(grep -c '<text' o.svg), pwned: $(grep -c 'pwned\"' o.svg)"
# a version change, an event stream, a directory, a symlink loop
{ echo "$G"; node a f 0 10; echo '{"type":"gammaray-graph","v":2}'; node b f 0 10; } >v2.ndjson
run version-2-midway v2.ndjson
printf '{"type":"gammaray-events","v":1}\n' >events.ndjson
run event-stream events.ndjson
mkdir -p adir
run directory adir
ln -s loop loop 2>/dev/null
run symlink-loop loop

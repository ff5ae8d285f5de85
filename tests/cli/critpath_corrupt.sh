# gammaray-critpath on damaged and hostile graph and event streams: each case says its
# exit status, the messages (file:line), the accounting, and what was found
cd "$TMP"
top=$OLDPWD
run() { # name, then gammaray-critpath arguments
	n=$1; shift
	echo "== $n"
	gammaray-critpath --stats --max-messages 5 "$@" >out.txt 2>err.txt
	echo "status $?"
	grep -v 'bytes (' err.txt
	if grep -q 'does not add up' err.txt; then echo UNBALANCED; fi
}
paths() { # the runs of --json: root, latency, path ids
	sed -n 's/.*"root":"\([^"]*\)".*"latency_us":\([-0-9]*\).*/\1 \2/p' out.txt
}
G='{"type":"gammaray-graph","v":1}'
node() { printf '{"type":"node","id":"%s","fn":"f%s","start_us":%s,"end_us":%s,"init_us":0,"cold":false,"status":"ok"}\n' "$1" "$1" "$2" "$3"; }
edge() { printf '{"type":"edge","from":"%s","to":"%s","kind":"%s","sync":%s,"evidence":"marker","confidence":1.0,"cause_us":%s,"delay_us":0}\n' "$@"; }
cp "$top/fixtures/critpath/basic.graph.ndjson" basic.ndjson
# a record cut short, garbage, NUL bytes, invalid UTF-8, among good records
{ head -4 basic.ndjson; printf '\000\001 binary \377\376\n{"type":"node","id":"x\377"}\n'
  printf '{"type":"node","id":"n\000ul"}\n{"type":"node","id":"nul2","start_us":5\000}\n'
  tail -n +5 basic.ndjson; printf '{"type":"edge","from":"00000001-0000-4000-8000-0000'; } >damaged.ndjson
run truncated-garbage-nul-utf8 --json damaged.ndjson
paths
# gzip cut in the middle: reading stops there
{ echo "$G"; i=0; while [ $i -lt 3000 ]; do node "n$i" $((i * 10)) $((i * 10 + 5)); i=$((i + 1)); done; } | gzip -n >many.gz
head -c $(($(wc -c <many.gz) / 2)) many.gz >cut.gz
run truncated-gzip cut.gz
: >empty.ndjson
run zero-bytes empty.ndjson
# a 100 MB line; 100,000 levels of nesting
{ echo "$G"; node a 0 10; printf '{"type":"node","id":"'; head -c 104857600 /dev/zero | tr '\0' 'x'; echo '"}'; } >long.ndjson
run hundred-megabyte-line long.ndjson
{ echo "$G"; node a 0 10; awk 'BEGIN { printf "{\"type\":\"node\",\"id\":\"b\",\"x\":"; for (i = 0; i < 100000; i++) printf "["
       for (i = 0; i < 100000; i++) printf "]"; print "}" }'; } >deep.ndjson
run deep-nesting deep.ndjson
# duplicated and reordered records: the same paths
gammaray-critpath --json basic.ndjson >want.txt
{ cat basic.ndjson; awk '{ l[NR] = $0 } END { for (i = NR; i > 0; i--) print l[i] }' basic.ndjson; } >dup.ndjson
run duplicated-reordered --json dup.ndjson
cmp -s want.txt out.txt && echo "same paths as the stream read once in order"
# a cycle below a root: the walk back from the sink goes through it once
{ echo "$G"; node r 0 30; node b 10 50; node c 20 60; node d 30 200
  edge r b s3 false 5; edge b c sqs false 30; edge c b sns false 50; edge c d lambda true 25; } >cycle.ndjson
run cycle-below-root --json cycle.ndjson
paths; grep -c '"fallback":true' out.txt
# invocations on a cycle without a way in (a self loop, a ring) are roots of nothing:
# no run holds them (gammaray-critpath(1): a root has no incoming edge)
{ echo "$G"; node a 0 100; node b 10 50; node x 0 10; node y 5 20
  edge a a lambda true 5; edge a b s3 false 5; edge x y sqs false 8; edge y x sqs false 15; } >rootless.ndjson
run rootless-cycles --json rootless.ndjson
paths
# an edge to an invocation without a record, an end before the start, no times
{ echo "$G"; node a 0 100; node e 200 100; printf '{"type":"node","id":"f"}\n'
  edge a ghost lambda false 35; edge a e s3 false 90; edge a f s3 false 95; } >strange.ndjson
run strange-times-and-ghosts --json strange.ndjson
paths
run strange-times-report strange.ndjson
cat out.txt
# times beyond +-2^60 us (and a real number) are refused, not overflowed
{ echo "$G"; node g -9223372036854775807 9223372036854775807; node h 0 1e300
  edge g h s3 false 99999999999999999999; } >huge.ndjson
run huge-times huge.ndjson
# clock skew beyond the tolerance: a synchronous callee that ends 1 s after its caller
{ echo "$G"; node p 0 1000000; node q 100000 2000000; edge p q lambda true 100000; } >skew.ndjson
run clock-skew --json skew.ndjson
paths
run clock-skew-tolerated --json --tolerance 2s skew.ndjson
paths
# --request: a span that is its own parent, a cycle of parents, a child longer than
# and outside its parent (clock skew), a span without a parent in the input
E='{"type":"gammaray-events","v":1}'
span() { printf '{"type":"segment","trace":"t1","id":"%s","parent":"%s","name":"s%s","start_us":%s,"end_us":%s}\n' "$@"; }
{ echo "$E"; span r "" r 0 1000; span s s s 10 20; span u v u 100 200; span v u v 150 250
  span k r k -500 5000; span m missing m 30 40; span l r l 400 300; } >spans.ndjson
run request-parents-and-skew --request --json spans.ndjson
sed -n 's/.*"root":"\([^"]*\)".*/\1/p' out.txt
# a version change, the wrong stream for each mode, a directory, a symlink loop
{ echo "$G"; node a 0 10; echo '{"type":"gammaray-graph","v":2}'; node b 0 10; } >v2.ndjson
run version-2-midway v2.ndjson
run event-stream-as-graph spans.ndjson
run graph-as-event-stream --request basic.ndjson
mkdir -p adir
run directory adir
ln -s loop loop 2>/dev/null
run symlink-loop loop

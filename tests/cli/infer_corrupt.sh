# gammaray-infer on damaged and hostile event streams: each case says its exit status,
# the messages (file:line), and the accounting (records in = written + skipped + lost)
cd "$TMP"
top=$OLDPWD
run() { # name, then gammaray-infer arguments
	n=$1; shift
	echo "== $n"
	gammaray-infer --stats --max-messages 5 "$@" >out.ndjson 2>err.txt
	echo "status $? nodes $(grep -c '"type":"node"' out.ndjson) edges $(grep -c '"type":"edge"' out.ndjson)"
	grep -v 'bytes (\|function-level loops' err.txt
	if grep -q 'does not add up' err.txt; then echo UNBALANCED; fi
}
hdr='{"type":"gammaray-events","v":1}'
R1=11111111-1111-4111-8111-111111111111
R2=22222222-2222-4222-8222-222222222222
R3=33333333-3333-4333-8333-333333333333
start() { printf '{"type":"start","ts":%s,"req":"%s","fn":"%s","stream":"s-%s"}\n' "$2" "$1" "$3" "$1"; }
report() { printf '{"type":"report","ts":%s,"req":"%s","dur_us":%s}\n' "$2" "$1" "$3"; }
call() { printf '{"type":"marker","ts":%s,"req":"%s","m":{"v":1,"ev":"call","svc":"lambda","op":"Invoke","mode":"Event","callee":"%s"}}\n' "$2" "$1" "$3"; }
seg() { # trace id parent req start end
	printf '{"type":"segment","trace":"%s","id":"%s","parent":"%s","name":"f","origin":"AWS::Lambda::Function","req":"%s","start_us":%s,"end_us":%s}\n' "$@"; }

# a record cut short, then lines of garbage, NUL bytes and invalid UTF-8 around good ones
{ echo "$hdr"; start $R1 1000 a; printf '\000\001\002 binary \377\376\n'
  printf '{"type":"start","ts":2000,"req":"%s","fn":"b\000c"}\n' $R2
  printf '{"type":"start","ts":2000,"req":"%s","fn":"caf\351"}\n' $R3
  printf '{"type":"start","ts":2000,"req":"%s","fn":"nul \\u0000 escaped"}\n' $R2
  report $R1 5000 4000; printf '{"type":"report","ts":6000,"req":"%s","du' $R2; } >damaged.ndjson
run truncated-garbage-nul-utf8 damaged.ndjson
# gzip cut in the middle, then with a bad CRC: the run stops (exit 1, nothing written)
{ echo "$hdr"; i=0; while [ $i -lt 3000 ]; do start "r-$i" $((i * 1000)) f; i=$((i + 1)); done; } >many.ndjson
gzip -n -c many.ndjson >many.gz
head -c $(($(wc -c <many.gz) / 2)) many.gz >cut.gz
run truncated-gzip cut.gz
cp many.gz crc.gz; size=$(wc -c <crc.gz)
printf '\377' | dd of=crc.gz bs=1 seek=$((size - 6)) conv=notrunc 2>/dev/null
run bad-crc crc.gz
: >empty.ndjson
run zero-bytes empty.ndjson
# a 100 MB line between two good records (the default line limit is 8 MiB)
{ echo "$hdr"; start $R1 1000 a; printf '{"type":"start","fn":"'
  head -c 104857600 /dev/zero | tr '\0' 'x'; echo '"}'; report $R1 5000 4000; } >long.ndjson
run hundred-megabyte-line long.ndjson
{ echo "$hdr"; start $R1 1000 a; printf '{"type":"log","msg":"%02000d"}\n' 0; report $R1 5000 4000; } >kilo.ndjson
run line-limit --max-line 1K kilo.ndjson
# 100,000 levels of nesting in one record (the default depth limit is 512)
{ echo "$hdr"; start $R1 1000 a
  awk 'BEGIN { printf "{\"type\":\"log\",\"x\":"; for (i = 0; i < 100000; i++) printf "["
               for (i = 0; i < 100000; i++) printf "]"; print "}" }'; report $R1 5000 4000; } >deep.ndjson
run deep-nesting deep.ndjson
# duplicated and reordered records give the same graph as the stream itself
gammaray-infer "$top/fixtures/infer/markers.ndjson" >want.ndjson 2>/dev/null
{ cat "$top/fixtures/infer/markers.ndjson"; awk '{ l[NR] = $0 } END { for (i = NR; i > 0; i--) print l[i] }' \
  "$top/fixtures/infer/markers.ndjson"; } >dup.ndjson
run duplicated-reordered dup.ndjson
# the graph without the stats records that end it (their counts differ by input)
records() { grep -v '^{"type":"stats",' "$1"; }
records want.ndjson >a; records out.ndjson >b
cmp -s a b && echo "same graph as the stream read once in order"
# X-Ray: a segment whose parent is itself, and a cycle of parents
{ echo "$hdr"; start $R1 1000 a; report $R1 5000 4000; start $R2 2000 b; report $R2 6000 4000
  start $R3 3000 c; report $R3 7000 4000
  seg 1-66322e40-000000000000000000000001 a000000000000001 a000000000000001 $R1 1000 5000
  seg 1-66322e40-000000000000000000000002 b000000000000002 c000000000000003 $R2 2000 6000
  seg 1-66322e40-000000000000000000000002 c000000000000003 b000000000000002 $R3 3000 7000; } >parents.ndjson
run segment-parent-cycles parents.ndjson
# invocations that call each other in a cycle: one edge is dropped to keep the graph acyclic
{ echo "$hdr"; start $R1 1000 a; call $R1 1100 $R2; report $R1 5000 4000
  start $R2 2000 b; call $R2 2100 $R3; report $R2 6000 4000
  start $R3 3000 c; call $R3 3100 $R1; report $R3 7000 4000; } >cycle.ndjson
run call-cycle cycle.ndjson
# clock skew beyond the tolerance: the callee starts 10 s before its caller's call
{ echo "$hdr"; start $R1 20000000 a; call $R1 20100000 $R2; report $R1 21000000 1000000
  start $R2 10000000 b; report $R2 10500000 500000; } >skew.ndjson
run clock-skew skew.ndjson
run clock-skew-tolerated --tolerance 1m skew.ndjson
# calls to invocations that are not in the input, records of unknown types and shapes
{ echo "$hdr"; start $R1 1000 a; call $R1 1100 44444444-4444-4444-8444-444444444444
  echo '{"type":"hologram","ts":1}'; echo '{"type":"start","ts":"noon","req":"x"}'
  echo '[1,2,3]'; echo '"just a string"'; report $R1 5000 4000; } >unknown.ndjson
run unknown-callee-and-types unknown.ndjson
# a header of another version stops the run; so do a graph stream and a directory
{ echo "$hdr"; start $R1 1000 a; echo '{"type":"gammaray-events","v":2}'; start $R2 2000 b; } >v2.ndjson
run version-2-midway v2.ndjson
cp "$top/fixtures/dot/small.ndjson" graph.ndjson
run graph-stream graph.ndjson
mkdir -p adir
run directory adir
ln -s loop loop 2>/dev/null
run symlink-loop loop
run missing no-such-file.ndjson

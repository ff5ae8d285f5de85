# damaged and hostile inputs: a message naming file and position, a count, no crash
cp fixtures/logs/filter-log-events.json "$TMP/page.json"
cd "$TMP"
ok=page.json
run() { # name, then gammaray-fetch arguments
	n=$1; shift
	echo "== $n"
	gammaray-fetch --stats -g /aws/lambda/x "$@" >out.ndjson 2>err.txt
	echo "status $? events $(($(wc -l <out.ndjson) - 1))"
	grep -v 'bytes (' err.txt | sed "s|$TMP/||g"
}
# gzip cut in the middle of a member, then one with a bad CRC, then gzip of garbage
seq 1 50000 | sed 's/^/START RequestId: x /' | gzip -n >cut.gz
head -c $(($(wc -c <cut.gz) / 2)) cut.gz >truncated.gz
run truncated-gzip truncated.gz
gzip -n -c "$ok" >crc.gz
size=$(wc -c <crc.gz); printf '\377' | dd of=crc.gz bs=1 seek=$((size - 6)) conv=notrunc 2>/dev/null
run bad-crc crc.gz
printf '\037\213\010\000garbagegarbagegarbage' >garbage.gz
run gzip-of-garbage garbage.gz
: >empty
run zero-bytes empty
# a 10 MB line between two good ones, with the default 8M limit
{ echo 'START RequestId: 11111111-1111-4111-8111-111111111111 Version: $LATEST'
  head -c 10485760 /dev/zero | tr '\0' 'x'; echo
  echo 'END RequestId: 11111111-1111-4111-8111-111111111111'; } >long.txt
run ten-megabyte-line long.txt
printf 'START RequestId: 22222222-2222-4222-8222-222222222222 Version: $LATEST\nGAMMARAY {"v":1,"ev":"call","note":"nul\\u0000 and \\u00e9"}\nbad\000byte\nEND RequestId: 22222222-2222-4222-8222-222222222222\n' >nul.txt
run nul-bytes nul.txt
# the same without the raw NUL (binary, so lost whole above): the escaped one is read
tr -d '\000' <nul.txt >nul-escaped.txt
run nul-escaped nul-escaped.txt
printf 'START RequestId: 33333333-3333-4333-8333-333333333333 Version: $LATEST\nEND RequestId: 33333333-3333-4333-8333-333333333333\nREPORT RequestId: 33333333-3333-4333-8333-333333333333\tDuration: 1.00 ms\tBilled Duration: 1 ms\tMemory Size: 128 MB\tMax Memory Used: 9 MB\n' >inv.txt
printf '\377\376 caf\351 inside START..END? no: after REPORT\nGAMMARAY {"v":1,"ev":"entry","fn":"bad\\udcff"}\n' >>inv.txt
run invalid-utf8 --keep-logs inv.txt
grep -a caf out.ndjson | od -c | head -3
printf '{"what":"is this"}\n{"Traces":[{"Id":"1-1-1","Segments":[{"Id":"x","Document":"{not json"}]}]}\n[1,2]\n' >shapes.json
run unknown-shapes shapes.json
cat "$ok" "$ok" >dup.json
run duplicated-events dup.json
run missing-file no-such-file.json
ln -s nowhere dangling
run dangling-symlink dangling
mkdir -p loop/sub && ln -s .. loop/sub/up && cp "$ok" loop/sub/page.json
run symlink-loop loop
awk 'BEGIN { for (i = 0; i < 100000; i++) printf "["; for (i = 0; i < 100000; i++) printf "]"; print "" }' >deep.json
run deep-json deep.json
run document-limit --max-doc 1K "$ok"
printf 'START RequestId: 44444444-4444-4444-8444-444444444444 Version: $LATEST\nREPORT RequestId: 44444444-4444-4444-8444-444444444444\tDuration: x1 ms\nGAMMARAY {"v":1,"ev":\n' >badlines.txt
run bad-platform-and-marker badlines.txt

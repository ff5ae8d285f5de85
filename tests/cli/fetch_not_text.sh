# binary and mislabelled inputs: lost whole and by name (not-text, bad-compression),
# never read as log lines; Latin-1 text is read, its bad bytes made U+FFFD and noted
cp fixtures/logs/filter-log-events.json "$TMP/page.json"
cd "$TMP"
# the same "random" bytes everywhere: SHA-256 of a seed and a counter
bytes() { # count seed
	/usr/bin/python3 -c 'import hashlib, sys
n, seed = int(sys.argv[1]), sys.argv[2].encode()
b = b"".join(hashlib.sha256(seed + i.to_bytes(4, "big")).digest() for i in range(n // 32 + 1))
sys.stdout.buffer.write(b[:n])' "$@"
}
run() { # name, then gammaray-fetch arguments
	n=$1; shift
	echo "== $n"
	gammaray-fetch --stats -g /aws/lambda/x "$@" >out.ndjson 2>err.txt
	echo "status $? events $(($(wc -l <out.ndjson) - 1))"
	grep -v 'bytes (' err.txt
}
bytes 5000 random >random.gz
run gz-of-random-bytes random.gz
: >empty.gz
run empty-gz empty.gz
gzip -n -c page.json | gzip -n >double.gz
zlib() { /usr/bin/python3 -c 'import sys, zlib; sys.stdout.buffer.write(zlib.compress(sys.stdin.buffer.read()))'; }
zlib <page.json >zlib.gz
run gz-of-gzip-and-gz-of-zlib double.gz zlib.gz
{ printf '\037\213'; bytes 5000 magic; } >magic.bin
run gzip-magic-then-garbage magic.bin
{ printf '\037\213\010\000\000\000\000\000\000\003'; bytes 5000 deflate; } >header.log
run gzip-header-then-garbage header.log
{ printf '\177ELF\002\001\001\000'; bytes 5000 elf; } >program
run binary-with-nul program
bytes 5000 gzipped | gzip -n >binary.gz
run gzip-of-binary binary.gz
bytes 3000 high | tr '\000-\177' '\200-\377' >latin.bin
run mostly-not-utf8 latin.bin
printf 'S\0T\0A\0R\0T\0 \0R\0e\0q\0u\0e\0s\0t\0I\0d\0\n\0' >utf16.txt
run utf-16 utf16.txt
# a Latin-1 export chunk: every line arrives, each line with bad bytes is noted
mkdir -p exp/task/2024-05-01-[\$LATEST]abc
R=11111111-1111-4111-8111-111111111111
{ echo "2024-05-01T12:00:00.000Z START RequestId: $R Version: \$LATEST"
  printf '2024-05-01T12:00:00.100Z 2024-05-01T12:00:00.100Z\t%s\tINFO\tcaf\351 cr\350me br\373l\351e\n' $R
  printf '2024-05-01T12:00:00.200Z 2024-05-01T12:00:00.200Z\t%s\tINFO\tpaid \24342 \240 \251 2024\n' $R
  printf '2024-05-01T12:00:00.300Z 2024-05-01T12:00:00.300Z\t%s\tINFO\tplain \303\251 UTF-8\n' $R
  echo "2024-05-01T12:00:00.400Z END RequestId: $R"
  printf '2024-05-01T12:00:00.400Z REPORT RequestId: %s\tDuration: 400.00 ms\tBilled Duration: 400 ms\tMemory Size: 128 MB\tMax Memory Used: 64 MB\n' $R
} | gzip -n >exp/task/2024-05-01-[\$LATEST]abc/000000.gz
run latin-1-export --keep-logs exp
grep '"log"' out.ndjson
run latin-1-export-without-logs exp
# the rest of the run goes on; --strict stops at the first
run bad-then-good random.gz program page.json
run strict --strict program page.json

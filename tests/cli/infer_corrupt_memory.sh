# memory stays bounded on hostile input: fetch, infer, critpath and dot each read a
# 128 MiB gzip bomb (one line, no newline) and a 100 MiB line under a 100 MiB
# address-space limit (ulimit -v), and end with the line-limit message, not a crash.
# ASan builds and valgrind reserve far more address space than that: there the
# programs run without the limit (said on stderr), and the output is the same.
cd "$TMP"
prog=$(command -v gammaray-infer)
if [ "$(head -c 2 "$prog")" = "#!" ] || ldd "$prog" 2>/dev/null | grep -q libasan; then
	echo "instrumented build: no address-space limit" >&2
	limit=unlimited
else
	limit=102400
fi
run() { # name, then a command
	n=$1; shift
	echo "== $n"
	(ulimit -v $limit; "$@" >out.txt 2>err.txt; echo "status $?")
	grep -v 'bytes (' err.txt
}
hdr='{"type":"gammaray-events","v":1}'
R1=11111111-1111-4111-8111-111111111111
# 128 MiB that inflate from about 130 KiB, for each input format (not NUL bytes:
# gammaray-fetch would refuse those as not text before reading a line)
{ echo '2024-05-01T12:00:00.000Z START RequestId: '$R1' Version: $LATEST'
  printf '2024-05-01T12:00:00.001Z '; head -c 134217728 /dev/zero | tr '\0' 'x'; } |
	gzip -n -9 >export-bomb.gz
{ echo "$hdr"; printf '{"type":"start","ts":1,"req":"'$R1'","fn":"'
  head -c 134217728 /dev/zero | tr '\0' 'x'; } | gzip -n -9 >events-bomb.gz
{ echo '{"type":"gammaray-graph","v":1}'; printf '{"type":"node","id":"'
  head -c 134217728 /dev/zero | tr '\0' 'x'; } | gzip -n -9 >graph-bomb.gz
run fetch-bomb gammaray-fetch --stats -g /aws/lambda/x export-bomb.gz
run infer-bomb gammaray-infer --stats events-bomb.gz
run critpath-bomb gammaray-critpath --stats graph-bomb.gz
run dot-bomb gammaray-dot --stats graph-bomb.gz
# a subscription payload that inflates to 256 MiB (default --max-doc: 512 MiB): refused at --max-doc
/usr/bin/python3 -c 'import base64, gzip, sys
sys.stdout.write("{\"awslogs\":{\"data\":\"%s\"}}\n" % base64.b64encode(gzip.compress(b"\0" * (256 << 20), 9)).decode())' >payload.json
run fetch-payload-bomb gammaray-fetch --stats --max-doc 16M payload.json
# a 100 MiB line, uncompressed, in each stream
{ echo "$hdr"; printf '{"type":"start","fn":"'; head -c 104857600 /dev/zero | tr '\0' 'x'; echo '"}'; } >long.ndjson
run infer-long-line gammaray-infer long.ndjson
run critpath-request-long-line gammaray-critpath --request long.ndjson
{ echo '{"type":"gammaray-graph","v":1}'; printf '{"type":"node","id":"'; head -c 104857600 /dev/zero | tr '\0' 'x'; echo '"}'; } >long-graph.ndjson
run critpath-long-line gammaray-critpath long-graph.ndjson
run dot-long-line gammaray-dot long-graph.ndjson
# with the default --max-doc (512 MiB) memory runs out first: the message says so
# (ASan and valgrind builds have the memory: there the payload is not JSON)
echo "== fetch-payload-bomb-default"
(ulimit -v $limit; gammaray-fetch payload.json >out.txt 2>err.txt; echo "status $?")
echo "blames the 512 MiB limit: $(grep -c 'larger than 536870912' err.txt)"

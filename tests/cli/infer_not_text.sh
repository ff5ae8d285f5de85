# gammaray-infer, -critpath and -dot given a .gz of random bytes before a good file:
# every line of it is reported by file and line and counted lost (exit 1), and the
# good file after it is still read
cd "$TMP"
/usr/bin/python3 -c 'import hashlib, sys
b = b"".join(hashlib.sha256(b"random" + i.to_bytes(4, "big")).digest() for i in range(157))
sys.stdout.buffer.write(b[:5000])' >random.gz
gammaray-fetch -q -g /aws/lambda/upload "$OLDPWD/fixtures/logs/filter-log-events.json" >events.ndjson
graph=$OLDPWD/fixtures/critpath/basic.graph.ndjson
run() { # name, then a command
	n=$1; shift
	echo "== $n"
	"$@" >out.txt 2>err.txt
	echo "status $? lines out $(wc -l <out.txt)"
	grep -v 'bytes (' err.txt | sed "s|$OLDPWD/||"
}
run infer gammaray-infer --stats --max-messages 2 random.gz events.ndjson
run critpath gammaray-critpath --stats --max-messages 2 random.gz "$graph"
run dot gammaray-dot --stats --max-messages 2 random.gz "$graph"

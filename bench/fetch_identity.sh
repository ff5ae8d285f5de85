#!/bin/sh
# fetch_identity.sh: two gammaray-fetch binaries must answer alike: stdout, stderr
# and exit status on every file of fixtures/ and the shared corpus, on the batches
# of gen-tests --write (and each dumped CloudWatch variant), and on hand-made JSON
# edge cases (duplicate and escaped keys, "\u0000", numbers beyond int64, wrong
# types, deep nesting, bad base64 and gzip payloads), each with and without
# --keep-logs and -g. Prints one line per difference and a summary.
#
#   OLD=/tmp/fetch-old/build/bin [NEW=build/bin] [CORPUS=dir] sh bench/fetch_identity.sh
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 2
: "${NEW:=$top/build/bin}"
: "${OLD:?OLD=directory of the gammaray-fetch to compare with}"
: "${CORPUS:=/work/shared/corpus}"
: "${GEN:=$top/build/tests/gen-tests}"
export LC_ALL=C TZ=UTC
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gammaray-ident.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM

runs=0
diffs=0
# one ARGS...: run both binaries, compare stdout, stderr and status
one() {
	runs=$((runs + 1))
	"$OLD/gammaray-fetch" -j1 --no-progress --stats --max-messages 100000 "$@" \
		>"$tmp/o.out" 2>"$tmp/o.err" </dev/null
	os=$?
	"$NEW/gammaray-fetch" -j1 --no-progress --stats --max-messages 100000 "$@" \
		>"$tmp/n.out" 2>"$tmp/n.err" </dev/null
	ns=$?
	if [ $os != $ns ] || ! cmp -s "$tmp/o.out" "$tmp/n.out" ||
	   ! cmp -s "$tmp/o.err" "$tmp/n.err"; then
		diffs=$((diffs + 1))
		echo "DIFF (status $os/$ns): gammaray-fetch $*"
		diff "$tmp/o.err" "$tmp/n.err" | head -5
		diff "$tmp/o.out" "$tmp/n.out" | head -5
	fi
}

# each FILE: the three ways a file is read
each() {
	one "$1"
	one --keep-logs "$1"
	one -g /aws/lambda/ident --keep-logs "$1"
}

# --- hand-made edge cases ------------------------------------------------------
mkdir -p "$tmp/edge"
python3 - "$tmp/edge" <<'EOF' || exit 2
import base64, gzip, json, os, sys, zlib
d = sys.argv[1]
n = 0
def put(data, ext="json"):
    global n
    n += 1
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    open(os.path.join(d, "e%03d.%s" % (n, ext)), "wb").write(data)
def b64(raw):
    return base64.b64encode(raw).decode()
def gz(s):
    return b64(gzip.compress(s.encode("utf-8", "surrogatepass") if isinstance(s, str) else s))
R = "8f5b5a3e-1c2d-4e5f-8a9b-0c1d2e3f4a5b"
start = "START RequestId: %s Version: $LATEST" % R
report = ("REPORT RequestId: %s\\tDuration: 12.5 ms\\tBilled Duration: 13 ms\\t"
          "Memory Size: 128 MB\\tMax Memory Used: 64 MB" % R)
ev = '{"timestamp":1714564800000,"message":"%s","logStreamName":"2024/05/01/[$LATEST]abc"}'
# filter-log-events pages
put('{"events":[%s,%s]}' % (ev % start, ev % report))
put('{"events":[{"message":"a","message":"%s","timestamp":1,"timestamp":1714564800001}],'
    '"events":[{"message":"%s","timestamp":"1714564800002"}]}' % (start, report))
put('{"ev\\u0065nts":[{"m\\u0065ssage":"%s","t\\u0069mestamp":1714564800000,'
    '"logStream\\u004eame":"s\\u0000t"}]}' % start)
put('{"events":[{"message":"x\\u00e9\\u0000y\\ud83d\\ude00 \\/ \\"q\\"","timestamp":"17145648000\\u00001"}]}')
for ts in ["1e3", "1.5", "-0", "-1", "9223372036854775807", "-9223372036854775808",
           "9223372036854775808", "1e400", "-1e400", "12345678901234567890123.0", "1E2",
           "0.0001", "9223372036854775.807", "\"\"", "\"12a\"", "\"-1\"",
           "\"123456789012345678\"", "\"1234567890123456789\"", "null", "true", "{}", "[]",
           "\"9223372036854775\"", "\"9223372036854776\""]:
    put('{"events":[{"timestamp":%s,"message":"%s"}]}' % (ts, start))
for m in ["1", "null", "{}", "[]", "\"\"", "true"]:
    put('{"events":[{"timestamp":1,"message":%s},{"message":"%s","logStreamName":%s}]}' % (m, start, m))
put('{"events":[1,"a",null,[],{},{"message":"m"}]}')
put('{"events":{}}')
put('{"events":null,"nextForwardToken":"f/1"}')
put('{"events":[]}')
put('{}')
put('[]')
put('[1,"a",null,[],{},[{"a":1}],{"events":[]}]')
put('{"nextForwardToken":null}')
put('{"exportTasks":[]}\n{"logGroups":1}\n{"logStreams":[]}\n')
put('{"events":[{"timestamp":1714564800000,"message":"%s"}]}\n{"events":[{"timestamp":1714564800000,"message":"%s"}]}\n' % (start, report))
put('{"events":[{"timestamp":1,"message":"x"}] , "a":1}  \n\n  {"events":[]}')
deep = "[" * 3000 + "]" * 3000
put('{"events":[{"message":"x","deep":%s}]}' % deep)
deep = "[" * 2040 + "]" * 2040
put('{"events":[{"message":"x","deep":%s}]}' % deep)
deep = "[" * 600 + "]" * 600
put('{"events":[{"message":"x","deep":%s}]}' % deep)
put(b'{"events":[{"message":"x","timestamp":1\x00}]}')
put(b'{"events":[{"message":"x","timestamp":true\x00,"a":1}]}')
put(b'{"events":[{"message":"x\xff","timestamp":1}]}')
put(b'{"events":[{"message":"\xed\xa0\x80","timestamp":1}]}')
put('{"events":[{"message":"\\ud800","timestamp":1}]}')
put('{"events":[{"message":"\\udc00x","timestamp":1}]}')
put('{"events":[{"message":"x","timestamp":1}],"k\\u0000":1}')
put('{"events":[{"message":"x","timestamp":1,}]}')
put('{"events":[{"message":"x" "timestamp":1}]}')
put('{"events":[{"message":"x","timestamp":01}]}')
put('{"events":[{"message":"x","timestamp":1}]')
# Logs Insights
def row(*kv):
    return "[" + ",".join('{"field":%s,"value":%s}' % (json.dumps(k), v) for k, v in kv) + "]"
rows = [
    row(("@timestamp", '"2024-05-01 12:00:00.000"'), ("@message", json.dumps(start)),
        ("@logStream", '"s1"'), ("@log", '"123456789012:/aws/lambda/f"')),
    row(("@timestamp", '"2024-05-01 12:00:00.000"'), ("@requestId", json.dumps(R)),
        ("@duration", '"12.5"'), ("@billedDuration", '"13"'), ("@memorySize", '"134217728"'),
        ("@maxMemoryUsed", '"67108864"'), ("@initDuration", '"100.25"'),
        ("@xrayTraceId", '"1-5759e988-bd862e3fe1be46a994272793"'), ("@xraySegmentId", '"53995c3f42cd8ad8"'),
        ("@log", '"/aws/lambda/g"'), ("@logStream", '"s2"')),
    row(("@requestId", json.dumps(R)), ("@duration", '"12\\u0000x"'), ("@log", '"a:b:c"')),
    row(("@requestId", json.dumps(R)), ("@duration", '12.5')),
    row(("@requestId", json.dumps(R)), ("@duration", '"1e300"')),
    row(("@requestId", json.dumps(R)), ("@duration", '"nan"'), ("@duration", '"5"')),
    row(("@message", 'null'), ("@message", '"second"')),
    row(("@mess\\u0061ge", '"escaped field"')),
    row(("@message\\u0000x", '"nul in field"')),
    row(("@requestId", json.dumps(R)), ("@duration", '"1234567890123456789012345678901234567890"')),
    '{"field":"@message","value":"not a row"}', '[]', '[1,null,"x",{"field":1}]',
]
put('{"results":[%s],"status":"Complete"}' % ",".join(rows))
put('{"results":[%s],"statistics":{}}' % ",".join(rows))
put('{"results":[%s]}' % ",".join(rows))
put('{"results":{},"status":"Complete"}')
put('{"results":[],"status":null}')
# subscription payloads
def payload(events, group="/aws/lambda/f", stream="2024/05/01/[$LATEST]abc", mt="DATA_MESSAGE"):
    return json.dumps({"messageType": mt, "owner": "1", "logGroup": group, "logStream": stream,
                       "subscriptionFilters": ["x"], "logEvents": events})
evs = [{"id": "1", "timestamp": 1714564800000, "message": start},
       {"id": "2", "timestamp": 1714564800100, "message": report + "\n"}]
good = payload(evs)
for data in [gz(good), b64(zlib.compress(good.encode())), b64(good.encode()), "!!!notbase64",
             b64(b"\x1f\x8b\x08\x00garbage"), gz(""), gz("   \n "), gz("{"), gz("[1,2]"),
             gz('{"a":1}'), gz(good + good), gz(good + " \n" + good), gz(good + "\x00" + good),
             gz('{"messageType":"DATA_MESSAGE","logEvents":[{"timestamp":1,"message":"x"}]}\x00'),
             gz('{"a":1\x00}'), gz('{"logEvents":[{"timestamp":1\x00,"message":"x"}],"messageType":"D"}'),
             gz('{"logEvents":[{"timestamp":1\x00,"message":"x"}],"messageType":"D"} {"logEvents":[]}'),
             gz(payload([], mt="CONTROL_MESSAGE")), gz(payload([{}, {}], mt="CONTROL_MESSAGE")),
             gz('{"messageType":"CONTROL_MESSAGE\\u0000x","logEvents":3}'),
             gz('{"messageType":"DATA_MESSAGE","logEvents":{}}'),
             gz('{"messageType":1,"logEvents":[1,null,{"message":2},{"message":"m","timestamp":"5"}],'
                '"logGroup":"g\\u0000h","logStream":7}'),
             gz('{"logEvents":[{"message":"a","message":"b","timestamp":2,"timestamp":3}],"logEvents":[{"message":"%s"}]}' % start),
             gz('{"logEvents":[' + "[" * 3000 + "]" * 3000 + ']}'),
             gz('{"logEvents":[' + "[" * 2047 + "]" * 2047 + ']}'),
             gz('{"logEvents":[{"message":"\\ud800"}]}'), gz('{"logEvents":[{"message":"x"}],"k\\u0000":1}'),
             gz('{"logEvents":[{"message":"x","timestamp":99999999999999999999}]}'),
             gz(b'{"logEvents":[{"message":"\xff"}]}'), gz('x'), gz('[]' + good), gz(good + 'x')]:
    put('{"awslogs":{"data":%s}}' % json.dumps(data))
put('{"awslogs":{"data":"%s"}}' % gz(good).replace("/", "\\/"))
put('{"awslogs":{}}')
put('{"awslogs":null}')
put('{"awslogs":{"data":5}}')
put('{"awslogs":{"data":"%s","data":"%s"}}' % (gz("{"), gz(good)))
put(good)
put(payload([], mt="CONTROL_MESSAGE"))
put('{"logEvents":null,"messageType":"DATA_MESSAGE"}')
recs = [{"kinesis": {"data": gz(good)}}, {"kinesis": {}}, {"kinesis": {"data": 1}}, {}, 5,
        {"kinesis": {"data": "%%%"}}]
put(json.dumps({"Records": recs}))
put(json.dumps({"Records": [{"eventSource": "aws:sqs"}], "records": [{"data": gz(good)}, {}, {"data": gz(good + good)}]}))
put(json.dumps({"records": [{"recordId": "1", "data": gz(good)}, {"recordId": "2"}]}))
put(json.dumps({"Records": [], "records": []}))
put(json.dumps({"records": [1]}))
# unknown shapes and arrays of them
put('{"a":1,"b":2,"c":3,"d":4,"e":5}')
put('{"a":1,"b":2,"c":3,"d":4,"e":5,"f":6}')
put('{"a":1,"a":2,"b":2,"c":3,"d":4,"e":5,"a":7}')
put('{"":1,"b":2}')
put('{"\\u00e9t\\u00e9":1,"x\\ty":2,"%s":3}' % ("k" * 100))
put('[{"a":1},{"events":[]},5,[1],{"time":"2024-05-01T12:00:00.000Z","type":"platform.start",'
    '"record":{"requestId":"%s","version":"$LATEST"}},{"timestamp":"2024-05-01T12:00:00Z",'
    '"level":"","log_level":"ERROR","level":"INFO","requestId":"%s","message":"m"},'
    '{"t\\u0079pe":"platform.start","time":"2024-05-01T12:00:00.000Z","record":{"requestId":"%s"}}]' % (R, R, R))
put('[{"events":[{"timestamp":1,"message":"%s"}]},{"awslogs":{"data":"%s"}}]' % (start, gz(good)))
EOF

for f in "$tmp"/edge/*; do
	each "$f"
done
one --max-depth 5000 "$tmp/edge"
one --max-depth 40 "$tmp/edge"
one --strict "$tmp/edge/e001.json"
edge=$runs

# --- fixtures and the corpus ---------------------------------------------------
for f in $(find fixtures "$CORPUS" -type f | sort); do
	each "$f"
done
files=$((runs - edge))

# --- gen-tests batches, and each CloudWatch variant on its own -------------------
"$GEN" --write "$tmp/gen" >"$tmp/list" || { echo "gen-tests --write failed"; exit 1; }
while read -r fam feed group path; do
	[ "$feed" = fetch ] || continue
	if [ "$group" = - ]; then
		one "$path"
		one --keep-logs "$path"
	else
		one -g "$group" "$path"
		one -g "$group" --keep-logs "$path"
	fi
done <"$tmp/list"
batches=$((runs - edge - files))
GEN_DUMP="$tmp/dump" "$GEN" filter-log-events get-log-events insights awslogs kinesis \
	firehose firehose-s3 >/dev/null 2>&1
for f in $(find "$tmp/dump" -type f 2>/dev/null | sort); do
	one "$f"
	one -g /aws/lambda/ident --keep-logs "$f"
done
variants=$((runs - edge - files - batches))

echo "fetch_identity: $runs runs ($edge edge cases, $files fixture and corpus," \
     "$batches gen batches, $variants CloudWatch variants), $diffs differences"
[ $diffs = 0 ]

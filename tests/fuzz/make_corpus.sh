#!/bin/sh
# make_corpus.sh: (re)build the seed corpora tests/fuzz/corpus/NAME/ from fixtures/.
#
#   sh tests/fuzz/make_corpus.sh        (from the repository root, after `make`)
#
# Seeds are copies of files under fixtures/ (written for this project, or Apache-2.0
# and MIT-0 files whose provenance is in fixtures/SOURCES.md), pieces of them (one log
# line, one marker), the output of the gammaray programs on them, and a few cases
# written here. Nothing else: /work/shared material under other licences is not used.
set -eu

top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
bin=${BIN:-build/bin}
c=tests/fuzz/corpus
fx=fixtures
dd=$fx/corpus/DataDog+datadog-serverless-functions/aws/logs_monitoring
pt=$fx/corpus/aws-powertools+powertools-lambda-python/tests/events
ot=$fx/corpus/open-telemetry+opentelemetry-collector-contrib
xr=$ot/internal/aws/xray/testdata
rust=$fx/corpus/awslabs+aws-lambda-rust-runtime/extracted/lambda-extension_src_telemetry.rs__test-events.jsonl
iatk=$fx/corpus/awslabs+aws-iatk

rm -rf "$c"
for t in reader export lambda_line json_log subscription xray marker events infer graph dot \
	 critpath dot_text json_scan prices; do mkdir -p "$c/$t"; done

# --- reader: compression layers and framings --------------------------------------
i=0
for f in $(find $fx/export -name '*.gz' | sort); do i=$((i + 1)); cp "$f" "$c/reader/export-$i.gz"; done
cp $fx/logs/console-copy.txt $fx/logs/filter-log-events.json $fx/xray/segments-array.json "$c/reader/"
/usr/bin/python3 -c 'import sys, zlib; sys.stdout.buffer.write(zlib.compress(open(sys.argv[1], "rb").read()))' \
	$fx/logs/filter-log-events.json >"$c/reader/filter-log-events.zlib"
gzip -n -c $fx/logs/console-copy.txt | gzip -n -c >"$c/reader/console-copy.gz.gz"
{ gzip -n -c $fx/export-src/aws-logs-write-test; gzip -n -c $fx/logs/console-copy.txt; } >"$c/reader/two-members.gz"
printf '{"a":1}{"b":[2,{"c":"}"}]}\n[1]\n  {"d":"\\"{"}' >"$c/reader/concatenated.json"

# --- export: whole files as gammaray-fetch meets them --------------------------------
for f in $(find $fx/export-src -type f | sort); do
	cp "$f" "$c/export/$(echo "$f" | sed 's|.*/\([^/]*\)/\([^/]*\)$|\1-\2|; s/[^A-Za-z0-9._-]/_/g')"
done
cp $fx/logs/console-copy.txt "$c/export/"
cp $rust "$c/export/telemetry.jsonl"
cp $fx/export/9f1c2a4e-5b6d-4e7f-8a9b-0c1d2e3f4a5b/*/000001.gz "$c/export/chunk.gz"
cat >"$c/export/multiline-unordered.txt" <<'TXT'
2024-05-01T12:00:01.000Z START RequestId: 11111111-1111-4111-8111-111111111111 Version: $LATEST
2024-05-01T12:00:01.200Z 2024-05-01T12:00:01.200Z	11111111-1111-4111-8111-111111111111	ERROR	Invoke Error 	{"errorType":"Error","errorMessage":"boom","stack":["Error: boom","    at handler (/var/task/index.js:3:9)"]}
    at more (/var/task/index.js:9:1)
2024-05-01T12:00:01.100Z [INFO]	2024-05-01T12:00:01.100Z	11111111-1111-4111-8111-111111111111	GAMMARAY {"v":1,"ev":"entry","fn":"f","src":{"svc":"sqs","msg":"m-1"}}
2024-05-01T12:00:01.300Z END RequestId: 11111111-1111-4111-8111-111111111111
2024-05-01T12:00:01.300Z REPORT RequestId: 11111111-1111-4111-8111-111111111111	Duration: 300.12 ms	Billed Duration: 301 ms	Memory Size: 128 MB	Max Memory Used: 70 MB	Init Duration: 150.00 ms	
XRAY TraceId: 1-66322e40-000000000000000000000001	SegmentId: a000000000000001	Sampled: true	
2024-05-01T12:00:05.000Z 2024-05-01T12:00:05.000Z 22222222-2222-4222-8222-222222222222 Task timed out after 3.00 seconds
2024-05-01T12:00:02.000Z INIT_START Runtime Version: python:3.12.v20	Runtime Version ARN: arn:aws:lambda:us-east-1::runtime:abc
TXT

# --- lambda_line: one message per seed -----------------------------------------------
{
	for f in $(find $fx/export-src -name '*.txt' | sort); do cut -c26- "$f"; done
	cat $fx/logs/console-copy.txt $rust
	printf '%s\n' \
		'[INFO]	2024-05-01T12:00:00.123Z	11111111-1111-4111-8111-111111111111	GAMMARAY {"v":1,"ev":"call","svc":"s3","bucket":"b","key":"k"}' \
		'2024-05-01T12:00:00.123Z	11111111-1111-4111-8111-111111111111	INFO	hello' \
		'{"timestamp":"2024-05-01T12:00:00.123Z","level":"INFO","requestId":"11111111-1111-4111-8111-111111111111","message":"GAMMARAY {\"v\":1}"}' \
		'{"time":"2024-05-01T12:00:00.123Z","type":"platform.report","record":{"requestId":"11111111-1111-4111-8111-111111111111","metrics":{"durationMs":1.5,"billedDurationMs":2,"memorySizeMB":128,"maxMemoryUsedMB":60,"initDurationMs":100.2},"status":"success","tracing":{"spanId":"a000000000000001","type":"X-Amzn-Trace-Id","value":"Root=1-66322e40-000000000000000000000001;Parent=a000000000000001;Sampled=1"}}}' \
		'RESTORE_START Runtime Version: java:21.v9	Runtime Version ARN: arn' \
		'REPORT RequestId: 11111111-1111-4111-8111-111111111111	Duration: 1.00 ms	Billed Duration: 1 ms	Memory Size: 128 MB	Max Memory Used: 9 MB	Restore Duration: 300.00 ms	Billed Restore Duration: 100 ms	Status: error	Error Type: Runtime.ExitError' \
		'INIT_REPORT Init Duration: 10000.12 ms	Phase: init	Status: timeout' \
		'2024-05-01T12:00:00.123Z 11111111-1111-4111-8111-111111111111 Task timed out after 3.00 seconds' \
		'RequestId: 11111111-1111-4111-8111-111111111111 Error: Runtime exited with error: signal: killed' \
		'EXTENSION	Name: x	State: Ready	Events: [INVOKE,SHUTDOWN]'
} | awk 'length($0) > 0 && !seen[$0]++' | split -l 1 -a 3 - "$c/lambda_line/line-"

# --- json_log: JSON-format records, one per line ------------------------------------
cp $rust "$c/json_log/telemetry.jsonl"
cat >"$c/json_log/app-records.jsonl" <<'TXT'
{"time":"2024-05-01T12:00:00.000Z","type":"platform.start","record":{"requestId":"11111111-1111-4111-8111-111111111111","version":"$LATEST"}}
{"timestamp":"2024-05-01T12:00:00.010Z","level":"INFO","requestId":"11111111-1111-4111-8111-111111111111","message":"GAMMARAY {\"v\":1,\"ev\":\"entry\",\"fn\":\"f\",\"src\":{\"svc\":\"s3\",\"bucket\":\"b\",\"key\":\"k\"}}"}
{"timestamp":"2024-05-01T12:00:00.020Z","log_level":"ERROR","AWSrequestId":"11111111-1111-4111-8111-111111111111","errorType":"Runtime.Unknown","errorMessage":"x"}
{"time":"2024-05-01T12:00:00.030Z","type":"platform.runtimeDone","record":{"requestId":"11111111-1111-4111-8111-111111111111","status":"timeout","metrics":{"durationMs":3000.0}}}
{"time":"2024-05-01T12:00:00.040Z","type":"platform.initStart","record":{"initializationType":"on-demand","phase":"init","runtimeVersion":"nodejs:20.v1","functionName":"f","functionVersion":"$LATEST"}}
TXT

# --- subscription: decoded payloads behind a mode byte (see fuzz_subscription.c) ----
payload() { /usr/bin/python3 -c 'import sys, json, base64, gzip, zlib
d = json.load(open(sys.argv[1]))
for r in d.get("Records", [d]):
    b = base64.b64decode(r["kinesis"]["data"] if "kinesis" in r else r["awslogs"]["data"])
    try: b = gzip.decompress(b)
    except OSError: b = zlib.decompress(b)
    sys.stdout.buffer.write(b)
    break' "$1"; }
{ printf '\001'; payload $pt/cloudWatchLogEvent.json; } >"$c/subscription/awslogs-gzip"
{ printf '\006'; payload $pt/cloudWatchLogEventWithPolicyLevel.json; } >"$c/subscription/kinesis-zlib"
{ printf '\005'; payload $pt/kinesisStreamCloudWatchLogsEvent.json; } >"$c/subscription/kinesis-gzip"
{ printf '\013'; cat $dd/tests/events/cloudwatch_logs.json; } >"$c/subscription/firehose-plain"
{ printf '\017'; cat $ot/receiver/awsfirehosereceiver/internal/unmarshaler/cwlog/testdata/multiple_records; } >"$c/subscription/two-records-plain"
{ printf '\001'; cat $ot/extension/encoding/awslogsencodingextension/internal/unmarshaler/subscription-filter/testdata/valid_cloudwatch_log_control.json; } >"$c/subscription/control"
{ printf '\002'; cat $ot/extension/encoding/awslogsencodingextension/internal/unmarshaler/subscription-filter/testdata/extracted_fields_both.json; } >"$c/subscription/extracted-fields-zlib"
{ printf '\000'; /usr/bin/python3 -c 'import sys, base64, json
sys.stdout.buffer.write(base64.b64decode(json.load(open(sys.argv[1]))["awslogs"]["data"]))' $pt/cloudWatchLogEvent.json; } >"$c/subscription/raw-gzip-bytes"

# --- xray: JSON trace inputs ----------------------------------------------------------
cp $fx/xray/*.json $fx/logs/filter-log-events.json $fx/logs/insights-results.json "$c/xray/"
for f in $xr/*.txt; do cp "$f" "$c/xray/xray-$(basename "$f")"; done
cp $ot/receiver/awsxrayreceiver/testdata/rawsegment/serverSample.txt "$c/xray/daemon-datagram.txt"
cp "$iatk/extracted/internal_pkg_xray_segment_test.go+trace_test.go__segment-documents.jsonl" "$c/xray/segment-documents.jsonl"
cp $iatk/internal/pkg/xray/testdata/traceWithLinks01.json "$c/xray/trace-with-links.json"
cp $fx/corpus/aws+aws-cli/extracted/batch-traces-get.rst__output.json "$c/xray/batch-get-traces.json"
cp $fx/corpus/aws+aws-cli/extracted/get-log-events.rst__output.json "$c/xray/get-log-events.json"
cp $fx/critpath/jaeger-api.json $fx/critpath/otlp.json "$c/xray/"
cp $fx/critpath/crisp/1.json "$c/xray/jaeger-crisp-1.json"
cp $dd/tools/integration_tests/snapshots/cloudwatch_log_timeout.json "$c/xray/payload-timeout.json"

# --- marker: marker objects, one per line ----------------------------------------------
sed -n 's/.*"type":"marker".*"m":\({.*}\)}$/\1/p' $fx/infer/markers.ndjson >"$c/marker/all.txt"
split -l 1 -a 3 "$c/marker/all.txt" "$c/marker/m-"
sed -n 's/.*GAMMARAY \({.*}\).*/\1/p' $(find $fx/export-src -name '*.txt' | sort) >"$c/marker/export.txt"

# --- events, infer: event streams -------------------------------------------------------
ev() { "$bin/gammaray-fetch" "$@" 2>/dev/null || true; }
cp $fx/infer/markers.ndjson $fx/infer/xray.ndjson "$c/infer/"
[ -f $fx/infer/ordered.ndjson ] && head -c 12000 $fx/infer/ordered.ndjson >"$c/infer/ordered.ndjson"
ev -g /aws/lambda/x $fx/export >"$c/infer/fetch-export.ndjson"
ev $fx/corpus/open-telemetry+opentelemetry-collector-contrib/internal/aws/xray/testdata >"$c/infer/fetch-xray.ndjson"
ev $iatk/internal/pkg/xray/testdata/traceWithLinks01.json $fx/xray >"$c/infer/fetch-links.ndjson"
ev --keep-logs -g /aws/lambda/x $fx/logs/console-copy.txt >"$c/infer/fetch-logs.ndjson"
cp "$c/infer/"* "$c/events/"

# --- graph, dot, critpath: graph streams (and span streams for --request) ------------
for t in graph dot critpath; do
	cp $fx/critpath/basic.graph.ndjson $fx/critpath/cost.graph.ndjson $fx/dot/small.ndjson \
	   $fx/dot/hostile.ndjson "$c/$t/"
	"$bin/gammaray-infer" $fx/infer/markers.ndjson >"$c/$t/infer-markers.ndjson" 2>/dev/null || true
	"$bin/gammaray-infer" $fx/infer/xray.ndjson >"$c/$t/infer-xray.ndjson" 2>/dev/null || true
done
cp $fx/infer/xray.ndjson "$c/critpath/spans-xray.ndjson"
ev $fx/critpath/crisp/15.json >"$c/critpath/spans-crisp-15.ndjson"
ev $fx/critpath/jaeger-api.json >"$c/critpath/spans-jaeger.ndjson"
ev $fx/critpath/otlp.json >"$c/critpath/spans-otlp.ndjson"

# --- prices: price files (gammaray-prices(5)) -------------------------------------------
cp $fx/critpath/cost.prices "$c/prices/"
printf '%s\n' 'default arch=arm64' 'function /img-.*/ region=eu-south-1' \
	'function /.*-java/ restore=free   # java' 'function legacy-report arch=x86_64' \
	'price * x86_64 duration=0.000015 request=0.00000018' \
	'price sa-east-1 arm64 restore=0.000000000001' >"$c/prices/man-examples.prices"
printf '%s\n' 'function resize arch=arm64' \
	'price us-east-1 x86_64 duration=0.00001666671234567' >"$c/prices/bad-line-2.prices"

# --- dot_text: names a log can hold -----------------------------------------------------
i=0
for s in 'back\slash\N\G\n\' 'quote"in"name' '<b>html</b> &amp; <table>' '{record|shape}' \
	 'café ü 日本語 — ok' 'end\' 'tab	and
newline' '\"\\"' '&#92;&lt;' 'node' '--'; do
	i=$((i + 1)); printf '%s' "$s" >"$c/dot_text/name-$i"
done
printf '\377\376 bad \300\200 utf-8 \355\240\200 surrogate \364\220\200\200' >"$c/dot_text/bad-utf8"
printf 'nul\000byte\033[31mansi\177' >"$c/dot_text/controls"

# --- json_scan: JSON values ---------------------------------------------------------------
cp $fx/xray/*.json "$c/json_scan/"
head -n 3 $fx/infer/markers.ndjson | split -l 1 -a 3 - "$c/json_scan/record-"
printf '%s' '{"s":"\u00e9\ud83d\ude00\/\b\f\n\r\t\\\"","n":[-0,1e5,-1.5E-3,12345678901234567890],"t":true,"f":false,"z":null,"o":{},"a":[]}' >"$c/json_scan/escapes.json"
printf '%s' '  [ {"k" : [ [ [ ] ] ] } , "\u0000" ]  ' >"$c/json_scan/spaces.json"

# --- edge values: empty containers and strings, -0, 1e300, 2^63 (tests/gen's classes) ---
printf '%s\n' '{"trace_id":"1-66322e40-000000000000000000000001","id":"a000000000000002","name":"","start_time":-0,"end_time":1e300,"subsegments":[],"links":[],"aws":{},"http":{"response":{"status":9223372036854775808}}}' >"$c/xray/gen-edge-values.json"
printf '%s\n' '{"Traces":[{"Id":"1-66322e40-000000000000000000000001","Duration":-1,"Segments":[{"Id":"a","Document":"{}"},{"Id":"b","Document":"{\"id\":\"b\",\"trace_id\":\"\",\"start_time\":4.9e-324,\"subsegments\":[]}"},{"Id":"c","Document":{}}]},{"Id":"","Segments":[]}],"UnprocessedTraceIds":[]}' >"$c/xray/gen-page-empty-documents.json"
printf '%s\n' '{"data":[{"traceID":"a1","spans":[{"traceID":"a1","spanID":"","operationName":"","references":[],"startTime":-0,"duration":1e300,"tags":[],"processID":""}],"processes":{}},{"traceID":"","spans":[]}],"errors":null}' >"$c/xray/gen-jaeger-edge-values.json"
printf '%s\n' '{"resourceSpans":[{"resource":{"attributes":[]},"scopeSpans":[{"spans":[{"traceId":"","spanId":"","startTimeUnixNano":"-0","endTimeUnixNano":"18446744073709551616","attributes":[{}],"links":[]}]},{"spans":[]}]},{}]}' >"$c/xray/gen-otlp-edge-values.json"
printf '\003%s' '{"messageType":"DATA_MESSAGE","owner":"","logGroup":"","logStream":"","subscriptionFilters":[],"logEvents":[{"id":"","timestamp":-0,"message":""},{"id":"1","timestamp":1e300,"message":"START RequestId: x Version: $LATEST\n"},{}]}' >"$c/subscription/gen-edge-values"
printf '2024-05-01T12:00:00.000Z START RequestId: 11111111-1111-4111-8111-111111111111 Version: \n2024-05-01T12:00:00.100Z REPORT RequestId: 11111111-1111-4111-8111-111111111111\tDuration: -0 ms\tBilled Duration: 1e300 ms\tMemory Size: 9223372036854775808 MB\tMax Memory Used:  MB\tInit Duration: 1 parsecs\t\n9999-12-31T23:59:59.999Z END RequestId: \n' >"$c/export/gen-edge-values.txt"
printf '%s\n' '{"time":"2024-05-01T12:00:00.000Z","type":"platform.start","record":null}' '{"time":"","type":"platform.report","record":{"requestId":"x","metrics":{}}}' '{"time":"2024-05-01T12:00:01.000Z","type":"platform.report","record":{"requestId":"x","status":"","metrics":{"durationMs":-0,"billedDurationMs":1e300,"memorySizeMB":9223372036854775808}}}' '{"timestamp":"9999-12-31T23:59:59.999Z","level":[],"requestId":"","message":{}}' >"$c/json_log/gen-edge-values.ndjson"
printf 'REPORT RequestId: x\tDuration: 1e300 ms\tBilled Duration: -0 ms\tMemory Size: 9223372036854775808 MB\tMax Memory Used: MB\t' >"$c/lambda_line/gen-report-edge-values.txt"
printf '%s\n' '{"v":1,"ev":"entry","fn":"","src":[]}' '{"v":1,"ev":"call","svc":"s3","op":"PutObject","bucket":"","key":""}' '{}' '{"v":-0,"ev":"call","svc":"lambda","op":"Invoke","callee":"","ts":1e300}' >"$c/marker/gen-edge-values.ndjson"
for t in infer events; do
	printf '%s\n' '{"type":"gammaray-events","v":1}' '{"type":"start","ts":-0,"req":"","fn":"","stream":""}' '{"type":"report","ts":1e300,"req":"a","dur_us":9223372036854775808}' '{"type":"marker","ts":1,"req":"a","m":{}}' '{"type":"segment","trace":"t","id":"s","links":[],"precursors":[],"start_us":-1,"end_us":1152921504606846977}' '{}' '[]' >"$c/$t/gen-edge-values.ndjson"
done
for t in graph dot critpath; do
	printf '%s\n' '{"type":"gammaray-graph","v":1}' '{"type":"node","id":"","fn":"","start_us":-0,"end_us":1e300}' '{"type":"node","id":"a","fn":"f","start_us":-1,"end_us":1152921504606846977,"init_us":9223372036854775808}' '{"type":"edge","from":"","to":"a","kind":"","sync":null,"cause_us":9223372036854775808,"delay_us":-1}' '{}' '[]' >"$c/$t/gen-edge-values.ndjson"
done

for t in $(ls "$c"); do echo "$t: $(ls "$c/$t" | wc -l) seeds, $(cat "$c/$t"/* | wc -c) bytes"; done

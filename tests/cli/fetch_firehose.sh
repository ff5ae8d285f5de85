# a Firehose S3 object: concatenated gzip members, each a subscription payload
f='fixtures/corpus/aws-powertools+powertools-lambda-python/tests/events/kinesisStreamCloudWatchLogsEvent.json'
for d in $(sed -n 's/.*"data": *"\([^"]*\)".*/\1/p' "$f"); do printf '%s' "$d" | base64 -d; done >"$TMP/firehose-object"
gammaray-fetch --stats "$TMP/firehose-object" 2>&1

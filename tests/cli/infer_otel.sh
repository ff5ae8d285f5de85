# OpenTelemetry spans: invocations from Lambda SERVER spans, edges from trace parents
# (Invoke) and span links (SQS), as from X-Ray
echo "== OTLP/JSON: api invokes worker and sends to SQS; consumer links to the send"
gammaray-fetch -q fixtures/otel/lambda-invoke-sqs.otlp.json | gammaray-infer --stats 2>&1
echo "== the same spans as an aws/spans export: the same graph"
gammaray-fetch -q fixtures/otel/lambda-invoke-sqs.otlp.json | gammaray-infer >"$TMP/otlp.graph"
gammaray-fetch -q --log-group aws/spans fixtures/otel/aws-spans-export.txt |
	gammaray-infer >"$TMP/spans.graph"
# the graph without the stats records that end it (their counts differ by input)
records() { grep -v '^{"type":"stats",' "$1"; }
records "$TMP/otlp.graph" >"$TMP/a"; records "$TMP/spans.graph" >"$TMP/b"
cmp "$TMP/a" "$TMP/b" && echo same
echo "== an ADOT span without faas.invocation_id: a node of its own"
gammaray-fetch -q fixtures/otel/awsspans-python-server-local-root.json | gammaray-infer
echo "== ...joined to its invocation's log records by trace id, function and time"
gammaray-fetch -q --log-group /aws/lambda/stack-replay-recorder \
	fixtures/otel/adot-join-logs.txt fixtures/otel/awsspans-python-server-local-root.json |
	gammaray-infer
echo "== a mixed fleet: X-Ray caller, OpenTelemetry callee and consumer (one trace)"
gammaray-fetch -q fixtures/otel/mixed-fleet-xray.json fixtures/otel/mixed-fleet-aws-spans.txt |
	gammaray-infer
echo "== --window gives the same graph"
gammaray-fetch -q fixtures/otel/mixed-fleet-xray.json fixtures/otel/mixed-fleet-aws-spans.txt |
	gammaray-infer --window 1s | grep -c '"type":"edge"'
echo "== duplicate spans across files are merged"
gammaray-fetch -q fixtures/otel/aws-spans-export.txt fixtures/otel/aws-spans-filter-log-events.json |
	gammaray-infer --stats 2>&1 >/dev/null | grep -E 'records in|duplicate'
echo "== critical paths of requests over OpenTelemetry traces (OTLP, aws/spans)"
gammaray-fetch -q fixtures/otel/lambda-invoke-sqs.otlp.json | gammaray-critpath --request
gammaray-fetch -q fixtures/otel/aws-spans-export.txt | gammaray-critpath --request --json

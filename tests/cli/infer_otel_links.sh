# OpenTelemetry links whose span is not in the input: an SQS consumer's link read
# from AWSTraceHeader names the producer's Lambda segment, yet carries the message id
# its producer's send span names too (messaging.message.id on both sides): one sqs
# edge, evidence xray-link; the second link names a message nobody sent (unmatched)
echo "== expected: orders -> shipper, sqs, key 5e0b4c1e-...-00000000000a"
gammaray-fetch -q fixtures/otel/sqs-message-id.txt | gammaray-infer
echo "== --window gives the same edge"
gammaray-fetch -q fixtures/otel/sqs-message-id.txt | gammaray-infer --window 1s |
	grep -c '"type":"edge"'
echo "== CLIENT spans as causes matched by key and time (heuristic): uploader's S3.PutObject"
echo "== of photos/a.jpg -> resize (its entry marker names the object), and its Lambda.Invoke"
echo "== of notifier by name (no request id) -> notifier's span, a trace of its own"
{
	gammaray-fetch -q fixtures/otel/span-writes-invoke.txt
	gammaray-fetch -q --log-group /aws/lambda/resize fixtures/otel/span-writes-logs.txt
} >"$TMP/writes.events"
gammaray-infer "$TMP/writes.events" | grep '"type":"edge"'
echo "== --window: the same edges"
gammaray-infer --window 1s "$TMP/writes.events" | grep -c '"type":"edge"'
echo "== SNS, EventBridge and Step Functions hops by parent (context passed on in the"
echo "== message or the input), Kinesis by a link: hub -> on-sns (sns), on-event (events),"
echo "== sfn-task (sfn), on-stream (kinesis)"
gammaray-fetch -q fixtures/otel/hops-sns-events-kinesis-sfn.txt | gammaray-infer |
	grep '"type":"edge"'

# OpenTelemetry links whose span is not in the input: an SQS consumer's link read
# from AWSTraceHeader names the producer's Lambda segment, yet carries the message id
# its producer's send span names too (messaging.message.id on both sides): one sqs
# edge, evidence xray-link; the second link names a message nobody sent (unmatched)
echo "== expected: orders -> shipper, sqs, key 5e0b4c1e-...-00000000000a"
gammaray-fetch -q fixtures/otel/sqs-message-id.txt | gammaray-infer
echo "== --window gives the same edge"
gammaray-fetch -q fixtures/otel/sqs-message-id.txt | gammaray-infer --window 1s |
	grep -c '"type":"edge"'

# X-Ray alone: parent chains through SNS/EventBridge segments, span links (parent and
# child), Invoke subsegments, API Gateway roots, missing parents; --stats on stderr
gammaray-infer --stats fixtures/infer/xray.ndjson 2>&1

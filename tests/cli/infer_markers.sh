# every GAMMARAY v1 rule on a hand-made event stream: exact ids, S3 ETag/URL-encoding,
# racing writes ordered by sequencer, typed DynamoDB keys, fan-in/out, retries, loops
gammaray-infer fixtures/infer/markers.ndjson

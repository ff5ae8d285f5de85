# --function keeps matching functions' streams, and X-Ray traces showing one
gammaray-fetch --stats --function 'not.*' --export-tasks fixtures/export-tasks.json fixtures/export 2>&1
gammaray-fetch --stats --function 'my-function' \
	'fixtures/corpus/awslabs+aws-iatk/extracted/internal_pkg_xray_segment_test.go+trace_test.go__segment-documents.jsonl' 2>&1 | grep -v '^{'

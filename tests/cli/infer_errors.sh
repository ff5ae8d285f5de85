# bad records are lost with file:line and counted; --strict stops at the first;
# an unknown stream version or an unreadable file is fatal
gammaray-infer fixtures/infer/bad.ndjson 2>&1 >/dev/null; echo "status $?"
gammaray-infer -q --stats fixtures/infer/bad.ndjson 2>&1 >/dev/null | grep -E 'lost|records'
gammaray-infer --strict fixtures/infer/bad.ndjson 2>&1 >/dev/null; echo "status $?"
printf '{"type":"gammaray-events","v":9}\n' | gammaray-infer 2>&1; echo "status $?"
printf '{"type":"gammaray-graph","v":1}\n' | gammaray-infer 2>&1 >/dev/null; echo "status $?"
gammaray-infer no/such/file 2>&1; echo "status $?"

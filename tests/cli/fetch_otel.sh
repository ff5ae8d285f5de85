# OpenTelemetry spans: OTLP/JSON (ids lower-cased) and CloudWatch Transaction Search
# records (aws/spans: flat spans, attribute maps, kinds by name) as segment records
echo "== OTLP/JSON"
gammaray-fetch --stats fixtures/otel/lambda-invoke-sqs.otlp.json 2>&1
echo "== aws/spans export, --log-group aws/spans"
gammaray-fetch --log-group aws/spans fixtures/otel/aws-spans-export.txt
echo "== a real aws/spans record (ADOT Python, no faas.invocation_id)"
gammaray-fetch fixtures/otel/awsspans-python-server-local-root.json
echo "== --function keeps the spans of one function"
gammaray-fetch --function worker fixtures/otel/aws-spans-export.txt
echo "== filter-log-events output and Logs Insights @message"
gammaray-fetch fixtures/otel/aws-spans-filter-log-events.json fixtures/otel/aws-spans-insights.json
echo "== bad records: no ids, unreadable times, attributes that are not maps; kinds as"
echo "== SPAN_KIND_* names and numbers, string times, durationNano, list attributes read"
gammaray-fetch --stats fixtures/otel/aws-spans-bad.txt 2>&1
echo "status $?"

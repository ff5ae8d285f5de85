# gammaray-fetch reads Jaeger JSON and OTLP/JSON into segment records (svc, kind, ref)
gammaray-fetch --stats fixtures/critpath/otlp.json fixtures/critpath/jaeger-api.json
echo "status $?"
echo "== --function keeps traces naming the service"
gammaray-fetch --function 'frontend' fixtures/critpath/jaeger-api.json
echo "status $?"

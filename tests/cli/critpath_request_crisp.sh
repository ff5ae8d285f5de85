# CRISP's conformance traces through gammaray-fetch: exclusive time per span on the path
for f in fixtures/critpath/crisp/*.json fixtures/critpath/crisp/*/*.json; do
	echo "== $f"
	gammaray-fetch "$f" | gammaray-critpath --request --json
done
echo "== jaeger-ui single child"
gammaray-fetch fixtures/critpath/jaeger-ui/traceWithSingleChildLongerThanParentAndStartsAfterParent.json |
	gammaray-critpath --request --json

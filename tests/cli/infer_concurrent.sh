# Lambda Managed Instances: invocations running at once in one environment, their
# JSON records interleaved; a record that names its request id is attributed by it,
# so the interleaved stream gives the same graph as one invocation after another
for order in interleaved sequential; do
	mkdir -p "$TMP/$order"
	cp fixtures/managed/sender-$order.txt "$TMP/$order/sender.txt"
	(cd "$TMP/$order" && gammaray-fetch -q --log-group /aws/lambda/sender sender.txt) \
		>"$TMP/$order.ndjson"
	gammaray-fetch -q --log-group /aws/lambda/receiver fixtures/managed/receiver.txt \
		>>"$TMP/$order.ndjson"
	gammaray-infer "$TMP/$order.ndjson" >"$TMP/$order.graph"
done
cmp "$TMP/interleaved.graph" "$TMP/sequential.graph" && echo "same graph"
cat "$TMP/interleaved.graph"
echo "== a marker without a request id while two invocations run is not guessed"
gammaray-fetch --stats --log-group /aws/lambda/sender fixtures/managed/overlap-no-request-id.txt 2>&1 |
	grep -v '"type":"\(start\|end\|report\)"'

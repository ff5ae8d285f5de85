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
# the graph without the stats records that end it (their counts differ by input)
records() { grep -v '^{"type":"stats",' "$1"; }
records "$TMP/interleaved.graph" >"$TMP/a"; records "$TMP/sequential.graph" >"$TMP/b"
cmp "$TMP/a" "$TMP/b" && echo "same graph"
cat "$TMP/interleaved.graph"
echo "== a marker without a request id while two invocations run is not guessed"
gammaray-fetch --stats --log-group /aws/lambda/sender fixtures/managed/overlap-no-request-id.txt 2>&1 |
	grep -v '"type":"\(start\|end\|report\)"'

# every wrapper form of Lambda logs (fixtures/real): the events, and what fetch says
for f in fixtures/real/*; do
	echo "== $f"
	gammaray-fetch "$f" 2>&1
	echo "exit $?"
done
echo "== --function that no stream can match: said, not silent"
gammaray-fetch --function 'orders.*' fixtures/real/sam-logs.txt 2>&1
echo "exit $?"
echo "== colour codes (aws --color on, sam piped through script) are not part of the line"
printf '\033[32m2024-03-11T09:12:44.517000+00:00\033[0m \033[36m2024/03/11/[$LATEST]ab\033[0m START RequestId: 41c3e7a0-9b2d-4c5e-8f17-6a0d3b9c2e18 Version: $LATEST\n' >"$TMP/c.txt"
gammaray-fetch -q "$TMP/c.txt"
echo "== Lambda's own timeout line is no wrapper (its time, then a request id)"
printf 'START RequestId: 2d211818-397f-4f37-a653-be8e6fd3054d Version: $LATEST\n2024-05-01T12:00:54.782Z 2d211818-397f-4f37-a653-be8e6fd3054d Task timed out after 30.00 seconds\n' >"$TMP/t.txt"
gammaray-fetch -q "$TMP/t.txt" | grep -c '"type":"fault"'
echo "== a crash's error type, on the line after 'Runtime exited with error'"
printf 'START RequestId: 5b3aa800-5ff2-4756-89f4-8b01418f8b79 Version: $LATEST\nRequestId: 5b3aa800-5ff2-4756-89f4-8b01418f8b79 Error: Runtime exited with error: exit status 1\nRuntime.ExitError\nEND RequestId: 5b3aa800-5ff2-4756-89f4-8b01418f8b79\n' >"$TMP/rt.txt"
gammaray-fetch -q "$TMP/rt.txt" | grep '"type":"fault"'

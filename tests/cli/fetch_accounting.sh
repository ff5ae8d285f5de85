# the accounting adds up on every fixture: records in = written + skipped + lost
find fixtures -type f | sort | while read -r f; do
	gammaray-fetch --stats -q "$f" 2>&1 >/dev/null | grep -q 'does not add up' && echo "UNBALANCED: $f"
done
gammaray-fetch --stats -q fixtures 2>&1 >/dev/null | grep -c 'does not add up'

# --strict stops at the first lost record, exit 1
gammaray-fetch --strict fixtures/logs/console-copy.txt 2>&1 >/dev/null; echo "status $?"
gammaray-fetch --strict fixtures/logs/insights-results.json >/dev/null; echo "status $?"

# --keep-logs writes application lines too, attributed to their invocation
gammaray-fetch --keep-logs fixtures/logs/console-copy.txt 2>/dev/null | grep '"type":"log"'

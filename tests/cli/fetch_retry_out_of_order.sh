# export chunks out of order: a retry runs again under its request id in the same
# environment and its END is read before its START; an END is read before its START
# and the error line of its millisecond after both. Each error line without a
# request id goes to the invocation whose START..END holds it: bbbbbbbb (not the
# timed-out aaaaaaaa, whose retry ended later) and cccccccc; nothing lost
gammaray-fetch --stats -g /aws/lambda/rec-crawler fixtures/logs/retry-out-of-order.txt 2>&1 |
	grep -E '"type":"fault"|lost|records in'

# gzip on standard input, format found by content
gzip -c fixtures/logs/filter-log-events.json | gammaray-fetch -g /aws/lambda/upload -q - | head -3

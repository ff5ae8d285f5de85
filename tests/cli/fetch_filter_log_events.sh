# two concatenated filter-log-events pages; a marker outside any invocation is lost
gammaray-fetch -g /aws/lambda/upload fixtures/logs/filter-log-events.json

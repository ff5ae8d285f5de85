# Logs Insights results: @message rows, and REPORT summaries from discovered fields
gammaray-fetch --stats fixtures/logs/insights-results.json 2>&1

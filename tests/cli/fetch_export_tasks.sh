# an export tree whose log groups come from describe-export-tasks output
gammaray-fetch --export-tasks fixtures/export-tasks.json fixtures/export

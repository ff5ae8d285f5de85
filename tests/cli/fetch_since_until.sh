# a time window; what falls outside is counted as filtered
gammaray-fetch --stats --since 2024-05-01T12:00:00.500Z --until 2024-05-01T12:00:06Z \
	--export-tasks fixtures/export-tasks.json fixtures/export 2>&1

# fetch | infer over the bundled export and corpus: logs and traces joined, gzip input
gammaray-fetch --export-tasks fixtures/export-tasks.json fixtures/export fixtures/corpus 2>/dev/null |
	gzip -c > "$TMP/ev.gz"
gammaray-infer --no-unmatched "$TMP/ev.gz"

# --since, --until and --function choose runs by their root: the fixture's roots are
# upload (starts 2024-05-01T12:00:00Z), cron (12:00:05) and api2 (12:00:06); the
# others are counted as filtered; with --request they are a usage error
g=fixtures/critpath/basic.graph.ndjson
roots() { sed -n 's/.*"root":"\([^"]*\)","fn":"\([^"]*\)".*/\2/p'; }
echo "== --function 'api.*'"; gammaray-critpath --json --function 'api.*' "$g" | roots
echo "== --function 'up|cron'"; gammaray-critpath --json --function 'up|cron' "$g" | roots
echo "== --function up (whole name only)"; gammaray-critpath --json --function up "$g" | roots
echo "== --since 2024-05-01T12:00:05Z"; gammaray-critpath --json --since 2024-05-01T12:00:05Z "$g" | roots
echo "== --until 2024-05-01T12:00:05Z"; gammaray-critpath --json --until 2024-05-01T12:00:05Z "$g" | roots
echo "== both, --stats=json's filtered count"
gammaray-critpath --json --since 2024-05-01T12:00:01Z --until 2024-05-01T12:00:06Z \
	--stats=json "$g" 2>&1 >/dev/null | sed -n 's/.*"roots":\([0-9]*\),"runs":\([0-9]*\),.*"filtered":\([0-9]*\).*/roots \1 runs \2 filtered \3/p'
echo "== with --request"; gammaray-critpath --request --function x "$g" 2>&1; echo "status $?"

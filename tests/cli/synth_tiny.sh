# gammaray-synth: a tiny fixed workload is the same bytes everywhere: the truth's
# checksum, the files written, one log stream and the truth itself
gammaray-synth -q -j 1 -o "$TMP/w" --app sns-fanout --runs 2 --seed 7 --sample-rate 1
echo "status $?"
cd "$TMP/w" || exit 1
sha256sum truth.ndjson export-tasks.json
find . -type f | sort
zcat "$(find export/fan-publisher -name 000000.gz | sort | head -n 1)"
cat truth.ndjson

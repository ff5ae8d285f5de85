# nothing lost silently: every program with --stats, on every fixture (and on the
# streams the pipeline makes of them), says records in = written + skipped + lost,
# the lost and skipped totals are the sums of their reasons, and no program prints
# "the accounting does not add up". One line per program: runs checked, failures.
cd "$TMP"
top=$OLDPWD
find "$top/fixtures" -type f | sort >fixtures.txt
# the pipeline's own streams: fetch of each fixture, infer of those, critpath --annotate
mkdir -p ev graph
i=0
while read -r f; do
	i=$((i + 1))
	gammaray-fetch -q "$f" >"ev/$i.ndjson" 2>/dev/null
	gammaray-infer -q "ev/$i.ndjson" >"graph/$i.ndjson" 2>/dev/null
done <fixtures.txt
gammaray-fetch -q --export-tasks "$top/fixtures/export-tasks.json" "$top/fixtures/export" \
	"$top/fixtures/corpus" >ev/all.ndjson 2>/dev/null
gammaray-infer -q ev/all.ndjson >graph/all.ndjson 2>/dev/null
gammaray-critpath -q --annotate graph/all.ndjson >graph/annotated.ndjson 2>/dev/null
# each distinct stream once (many fixtures give the same, nearly empty, stream)
{ cat fixtures.txt; for f in ev/* graph/*; do echo "$(cksum <"$f" | tr ' ' _) $f"; done |
  sort -u -k1,1 | sort -k2 | cut -d' ' -f2; } >inputs.txt

# check NAME: the stats of one run (err.txt) add up
check() {
	awk -v name="$1" '
	/records in: / {
		line = $0
		sub(/.*records in: /, "", line); split(line, a, /[^0-9]+/); rin = a[1]
		sub(/.*written: /, "", line); split(line, a, /[^0-9]+/); out = a[1]
		sub(/.*skipped: /, "", line); split(line, a, /[^0-9]+/); skipped = a[1]
		sub(/.*lost: /, "", line); split(line, a, /[^0-9]+/); lost = a[1]
		seen = 1
	}
	/^[a-z-]+:   (skipped|lost) / {
		n = $4 + 0; files = ($5 == "files")
		if ($2 == "skipped" && !files) sk += n
		if ($2 == "lost") { lo += n; if (!files) lorec += n }
		if (!files) rec += n
	}
	/does not add up/ { bad = "the program says the accounting does not add up" }
	END {
		if (!seen) bad = bad ? bad : "no stats line"
		else if (rin != out + rec) bad = "in " rin " != written " out " + record reasons " rec
		else if (skipped != sk) bad = "skipped " skipped " != sum of skipped reasons " sk
		else if (lost != lo) bad = "lost " lost " != sum of lost reasons " lo
		if (bad) { print name ": " bad; exit 1 }
	}' err.txt
}
# the check itself fails on a count that does not add up
printf 'x: records in: 5, written: 2 (2 events), skipped: 1, lost: 1\nx:   skipped  app-log              1\nx:   lost     bad-json             1\n' >err.txt
check self-test || true
prog() { # label, then the command without its input; runs it on every input
	label=$1; shift
	runs=0 fails=0
	while read -r f; do
		"$@" "$f" >/dev/null 2>err.txt
		runs=$((runs + 1))
		check "$label ${f#"$top"/}" || fails=$((fails + 1))
	done <inputs.txt
	echo "$label: $runs runs, $fails unbalanced"
}
prog gammaray-fetch gammaray-fetch --stats -q
prog gammaray-infer gammaray-infer --stats -q
prog "gammaray-infer --window" gammaray-infer --stats -q --window 1s
prog gammaray-critpath gammaray-critpath --stats -q
prog "gammaray-critpath --request" gammaray-critpath --stats -q --request
prog gammaray-dot gammaray-dot --stats -q
prog gammaray-score gammaray-score --stats "$top/fixtures/infer/score-truth.ndjson"
# and on all of them at once
gammaray-fetch --stats -q $(cat fixtures.txt) >/dev/null 2>err.txt; check "fetch all" && echo "gammaray-fetch on every fixture at once: balanced"
gammaray-infer --stats -q ev/* >/dev/null 2>err.txt; check "infer all" && echo "gammaray-infer on every event stream at once: balanced"
gammaray-dot --stats -q graph/* >/dev/null 2>err.txt; check "dot all" && echo "gammaray-dot on every graph at once: balanced"

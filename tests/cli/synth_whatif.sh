# gammaray-synth --what-if: bad changes are usage errors that say what exists; a
# re-run with a change is read by the pipeline as any workload (every edge found, the
# truth's critical paths), keeps the untouched invocations' request ids, and changes
# only what the change reaches
gammaray-synth -o "$TMP/x" -n 5 --what-if nope=1 2>&1; echo "unknown change: $?"
gammaray-synth -o "$TMP/x" -n 5 --what-if faster=web-process:0 2>&1; echo "bad factor: $?"
gammaray-synth -o "$TMP/x" -n 5 --what-if delay=queue:5ms 2>&1; echo "bad kind: $?"
gammaray-synth -o "$TMP/x" -a webapp -n 5 --what-if remove=resize 2>&1; echo "unknown function: $?"
gammaray-synth -o "$TMP/x" -N 100 --what-if remove=web-audit 2>&1; echo "-N: $?"
gammaray-synth --version | sed 's/ [0-9.]* / V /'
gammaray-synth -q -o "$TMP/b" -n 150 -s 6 --sample-rate 0.5
gammaray-synth -q -o "$TMP/w" -n 150 -s 6 --sample-rate 0.5 --what-if faster=img-recognize:2 \
	--what-if no-cold-starts=img-indexer --what-if delay=sqs:x0.5 --what-if remove=fan-sms
echo "exit $?"
gammaray-fetch -q --export-tasks "$TMP/w/export-tasks.json" "$TMP/w/export" "$TMP/w/xray" |
	gammaray-infer -q >"$TMP/g"
gammaray-score "$TMP/w/truth.ndjson" "$TMP/g" | awk '$1 == "all" { print "edges found:", $5, $6 }'
gammaray-score --critpath "$TMP/w/truth.ndjson" "$TMP/g" | tail -1
# which functions' invocations kept their request id and times, which moved, which went
ids() { grep '"type":"node"' "$1" | sed 's/.*"id":"\([^"]*\)","fn":"\([^"]*\)","start_us":\([0-9]*\),"end_us":\([0-9]*\),"init_us":\([0-9]*\).*/\1 \2 \3 \4 \5/' | sort; }
ids "$TMP/b/truth.ndjson" >"$TMP/b.ids"
ids "$TMP/w/truth.ndjson" >"$TMP/w.ids"
join -a 1 -e gone -o 1.2,1.3,1.4,1.5,2.3,2.4,2.5 "$TMP/b.ids" "$TMP/w.ids" | awk '
	{ s = $5 == "gone" ? "gone" : ($2 == $5 && $3 == $6 && $4 == $7) ? "same" : "moved"; n[$1 " " s]++ }
	END { for (k in n) print k, n[k] }' | sort
echo "new request ids: $(join -v 2 "$TMP/b.ids" "$TMP/w.ids" | awk '{ print $2 }' | sort | uniq -c | tr -s ' ')"
echo "img-indexer cold starts: $(grep -c '"fn":"img-indexer".*"cold":true' "$TMP/b/truth.ndjson")," \
	"then $(grep -c '"fn":"img-indexer".*"cold":true' "$TMP/w/truth.ndjson")"

# --window on a time-ordered stream: the same records as one pass, in batches; a window
# shorter than Lambda's retry delay leaves the retry's records late (counted)
gammaray-infer --window 60.5s --stats fixtures/infer/ordered.ndjson 2>"$TMP/err" > "$TMP/w"
grep -E 'window|late' "$TMP/err"
gammaray-infer fixtures/infer/ordered.ndjson > "$TMP/b"
sort "$TMP/w" > "$TMP/ws"; sort "$TMP/b" > "$TMP/bs" # the stats records too: one infer run
cmp -s "$TMP/ws" "$TMP/bs" && echo "same records"
gammaray-infer --window 2s --stats fixtures/infer/ordered.ndjson 2>&1 >/dev/null | grep -E 'window|late'

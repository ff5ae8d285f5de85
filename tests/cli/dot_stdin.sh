# standard input, gzip, and several files merged into one graph give the same picture
gammaray-dot fixtures/dot/small.ndjson >"$TMP/a.dot"
gzip -n -c fixtures/dot/small.ndjson | gammaray-dot >"$TMP/b.dot"
cmp "$TMP/a.dot" "$TMP/b.dot" && echo "stdin gzip: same"
head -7 fixtures/dot/small.ndjson >"$TMP/nodes.ndjson"
{ head -1 fixtures/dot/small.ndjson; tail -n +8 fixtures/dot/small.ndjson; } >"$TMP/edges.ndjson"
gammaray-dot "$TMP/edges.ndjson" - <"$TMP/nodes.ndjson" >"$TMP/c.dot"
cmp "$TMP/a.dot" "$TMP/c.dot" && echo "two files: same"

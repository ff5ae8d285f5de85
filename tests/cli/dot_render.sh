# -T renders through the Graphviz library: SVG, PNG and PDF, to stdout or -o
gammaray-dot -T svg fixtures/dot/small.ndjson | grep -c '<svg'
gammaray-dot -T png fixtures/dot/small.ndjson | head -c 4 | od -An -c
gammaray-dot -T pdf -o "$TMP/o.pdf" fixtures/dot/small.ndjson; echo "status $?"
head -c 5 "$TMP/o.pdf"; echo
gammaray-dot --view functions -T svg -o "$TMP/f.svg" fixtures/dot/small.ndjson
grep -c 'S3 bucket' "$TMP/f.svg"
# tooltips carry request ids into the SVG
gammaray-dot -T svg -o "$TMP/o.svg" fixtures/dot/small.ndjson
grep -c 'xlink:title="request id: 11111111&#45;1111&#45;4111&#45;8111&#45;111111111111' "$TMP/o.svg"

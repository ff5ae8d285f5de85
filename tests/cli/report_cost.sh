# gammaray-report --prices: cost per function (map table and panel), per run (run lists
# and timelines) and per root function (beside the shares), equal to gammaray-critpath
# --cost's on the same graph (tests/cli/critpath_cost priced it by hand); the map's
# labels (lib/dot's function view) show it too; without a price file, the page says
# what it assumed
gammaray-report --prices fixtures/critpath/cost.prices -o "$TMP/r.html" \
	fixtures/critpath/cost.graph.ndjson 2>"$TMP/err"
echo "status $?"
cat "$TMP/err"
gammaray-critpath -q --json --prices fixtures/critpath/cost.prices \
	fixtures/critpath/cost.graph.ndjson >"$TMP/cp.json"
sed -n 's/.*<script type="application\/json" id="gr-data">\(.*\)<\/script>$/\1/p' "$TMP/r.html" >"$TMP/data.json"
/usr/bin/python3 - "$TMP/data.json" "$TMP/cp.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
cp = {r["root"]: r["cost"] for r in map(json.loads, open(sys.argv[2]))}
print("page:", {k: d["cost"][k] for k in ("total", "known", "unknown", "from_file")})
for n in d["map"]["nodes"]:
    if n["type"] != "resource":
        print("  %-8s %-16s unknown %d" % (n["name"], n["cost"], n["unpriced"]))
for g in d["shares"]:
    c = g["cost"]
    print("  group %-7r %s on the path %s off %s (%.1f%%)" % (g["label"], c["total"], c["path"], c["off"], c["off_pct"]))
for r in d["runs"]:
    want = cp[r[0]]
    assert r[8] == want["pico"], (r, want)
    det = d["details"][r[6]]["cost"]
    assert det["total_pico"] == want["pico"] and det["unknown"] == want["unknown"], (det, want)
    print("  run %s %s off %s = gammaray-critpath --json" % (r[1], r[9], r[10]))
PY
echo "map labels with a cost: $(grep -o 'cost \$0\.0000[0-9]*' "$TMP/r.html" | wc -l)"
echo "== without --prices"
gammaray-report --cost -q -o "$TMP/d.html" fixtures/critpath/cost.graph.ndjson
sed -n 's/.*<script type="application\/json" id="gr-data">\(.*\)<\/script>$/\1/p' "$TMP/d.html" |
	/usr/bin/python3 -c 'import json,sys; c=json.load(sys.stdin)["cost"]; print(c["from_file"], c["prices_of"], c["total"])'
echo "== X-Ray only: unknown, not free"
grep -v '"type":"report"\|"type":"start"' fixtures/infer/xray.ndjson | gammaray-infer -q |
	gammaray-report --cost -q -o "$TMP/x.html"
sed -n 's/.*<script type="application\/json" id="gr-data">\(.*\)<\/script>$/\1/p' "$TMP/x.html" |
	/usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["cost"]["total"], d["cost"]["unknown"], [r[8] for r in d["runs"]])'
echo "== no cost asked: the page has none"
gammaray-report -q -o "$TMP/n.html" fixtures/critpath/cost.graph.ndjson
echo "cost members: $(grep -o '"cost' "$TMP/n.html" | wc -l)"

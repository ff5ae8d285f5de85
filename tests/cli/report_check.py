#!/usr/bin/python3
"""report_check.py: checks a gammaray-report page against gammaray-critpath on the same graph.

    report_check.py PAGE.html GRAPH [HOSTILE-STRING...]

The page must hold exactly two script elements, the data (type application/json) and
the page's script, and no input byte that could end one ('<', '>', '&', U+2028/9 raw in
the data); its JSON must parse; its runs, latencies, sinks and path segments must equal
gammaray-critpath --json's, its share tables gammaray-critpath's report, its map
gammaray-dot's function view (every map node is a node of the SVG). Each HOSTILE string
must not appear raw in the page and must round-trip through the data. Prints a
deterministic summary; exits 1 with the first difference.
"""
import json
import re
import subprocess
import sys


def fail(msg):
    print("report_check: " + msg)
    sys.exit(1)


def data_of(page):
    opens = [m.start() for m in re.finditer(r"<script\b", page, re.I)]
    closes = [m.start() for m in re.finditer(r"</script", page, re.I)]
    if len(opens) != 2 or len(closes) != 2:
        fail("%d script elements open, %d close (want 2 and 2)" % (len(opens), len(closes)))
    head = '<script type="application/json" id="gr-data">'
    i = page.find(head)
    if i != opens[0]:
        fail("the data element is not the first script")
    body = page[i + len(head):closes[0]]
    for bad in ("<", ">", "&", "\u2028", "\u2029"):
        if bad in body:
            fail("raw %r inside the data element" % bad)
    if "<!--" in page[closes[0]:] and "<!--" in page[opens[1]:closes[1]]:
        fail("a comment opener inside the script")
    return json.loads(body)


def strings(v):
    """Every string value of a JSON value, joined by newlines."""
    out = []

    def walk(x):
        if isinstance(x, str):
            out.append(x)
        elif isinstance(x, list):
            for y in x:
                walk(y)
        elif isinstance(x, dict):
            for y in x.values():
                walk(y)
    walk(v)
    return "\n".join(out)


def pct(v, q):
    """Nearest rank, as lib/common/numbers.c."""
    if not v:
        return 0
    import math
    k = max(1, math.ceil(q * len(v)))
    return v[min(k, len(v)) - 1]


def flatten(segs, depth, out):
    for s in segs:
        out.append((s["type"], s["start_us"], s["dur_us"], depth, "%.4f" % s["share"]))
        if s["type"] == "sync":
            flatten(s.get("segments", []), depth + 1, out)


def text_tables(text):
    """Groups of gammaray-critpath's report: label -> (runs, [rows])."""
    groups, cur = {}, None
    for line in text.split("\n"):
        m = re.match(r"^(every run|root function (.*)): (\d+) runs?, latency", line)
        if m:
            cur = "" if m.group(1) == "every run" else m.group(2)
            groups[cur] = (int(m.group(3)), [])
            continue
        if cur is None or not line.startswith("  ") or "on the critical path" in line:
            if not line.strip():
                cur = cur if cur is not None else None
            continue
        f = line.split()
        if len(f) < 8 or not f[-1].endswith("%"):
            continue
        groups[cur][1].append((f[-7], int(f[-6]), f[-5], f[-4], f[-3], f[-2], f[-1]))
    return groups


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    page_path, graph = sys.argv[1], sys.argv[2]
    raw = open(page_path, "rb").read()
    page = raw.decode("utf-8")
    d = data_of(page)
    for h in sys.argv[3:]:
        if h.encode("utf-8") in raw:
            fail("hostile string %r appears raw in the page" % h)
        if h not in strings(d):
            fail("hostile string %r does not round-trip through the data" % h)

    cp = [json.loads(l) for l in subprocess.run(
        ["gammaray-critpath", "--json", graph], capture_output=True, text=True).stdout.split("\n") if l]
    report = subprocess.run(["gammaray-critpath", "--top", "0", graph], capture_output=True,
                            text=True).stdout
    runs = {r[0]: r for r in d["runs"]}
    if d["summary"]["runs"] != len(cp):
        fail("runs: page %d, critpath %d" % (d["summary"]["runs"], len(cp)))
    if d["summary"]["indexed"] == len(cp) and set(runs) != {c["root"] for c in cp}:
        fail("the roots differ from gammaray-critpath's")
    detailed = 0
    for c in cp:
        r = runs.get(c["root"])
        if r is None:
            continue
        if (r[1], r[2], r[3], r[7]) != (c.get("fn"), c["start_us"], c["latency_us"], c["reach"]):
            fail("run %s: page %r, critpath %r" % (c["root"], r, c))
        if r[6] < 0:
            continue
        det = d["details"][r[6]]
        detailed += 1
        want, got = [], []
        for hop in c["path"]:
            flatten(hop["segments"], 0, want)
        ids = [n[0] for n in det["nodes"]]
        for hop in det["path"]:
            for s in hop["segments"]:
                got.append((s[0], s[1], s[2], s[4], "%.4f" % s[5]))
        if want != got:
            fail("run %s: segments differ:\n page     %r\n critpath %r" % (c["root"], got, want))
        if [ids[h["node"]] for h in det["path"]] != [h["id"] for h in c["path"]]:
            fail("run %s: path hops differ" % c["root"])
        if (det["latency_us"], det["sink"]) != (c["latency_us"], c["sink"]):
            fail("run %s: detail latency or sink differ" % c["root"])
    # the tables: the same numbers as gammaray-critpath's report
    tables = text_tables(report)
    if len(tables) != len(d["shares"]):
        fail("share groups: page %d, critpath %d" % (len(d["shares"]), len(tables)))
    for g in d["shares"]:
        if g["label"] not in tables:
            fail("share group %r not in gammaray-critpath's report" % g["label"])
        n, rows = tables[g["label"]]
        lat = sorted(c["latency_us"] for c in cp if g["label"] in ("", c.get("fn", "(unknown function)")))
        if g["runs"] != n or g["runs"] != len(lat):
            fail("group %r: %d runs, report %d, critpath --json %d" % (g["label"], g["runs"], n, len(lat)))
        for q, k in ((0.5, "p50_us"), (0.95, "p95_us"), (0.99, "p99_us"), (1.0, "max_us")):
            if g[k] != pct(lat, q):
                fail("group %r: %s %d, from critpath --json %d" % (g["label"], k, g[k], pct(lat, q)))
        mine = [(r["as"], r["runs"], "%.1f%%" % r["runs_pct"], "%.1f%%" % r["p50_pct"],
                 "%.1f%%" % r["p95_pct"], "%.1f%%" % r["p99_pct"], "%.1f%%" % r["time_pct"])
                for r in g["rows"]]
        if mine != rows:
            fail("group %r rows differ:\n page   %r\n report %r" % (g["label"], mine, rows))
    # the map: every node is one of the SVG's
    svg = d["svg"] or ""
    titles = set(re.findall(r"<title>([^<]*)</title>", svg))
    missing = [n["id"] for n in d["map"]["nodes"] if n["id"] not in titles]
    if svg and missing:
        fail("map nodes without an SVG node: %r" % missing)
    # and each is the SVG node of its name (lib/dot's order and naming, f1.. s1..):
    # the first text line of a function's label is its name (plain names only)
    import html as _html
    first = {}
    for m in re.finditer(r'<g id="[^"]*" class="node">\s*<title>([^<]*)</title>(.*?)</g>', svg, re.S):
        t = re.search(r"<text[^>]*>([^<]*)</text>", m.group(2))
        if t:
            first[m.group(1)] = _html.unescape(t.group(1))
    named = 0
    for n in d["map"]["nodes"]:
        name = n["name"]
        if n["type"] != "function" or not re.fullmatch(r"[A-Za-z0-9_.-]{1,60}", name or ""):
            continue
        if svg and first.get(n["id"]) != name:
            fail("map node %s is %r in the data, %r in the SVG" % (n["id"], name, first.get(n["id"])))
        named += 1
    print("page: data parses, 2 script elements, nothing raw that could close them")
    print("runs: %d (critpath %d), %d with a timeline, segments and shares equal" % (
        len(d["runs"]), len(cp), detailed))
    print("tables: %d groups, %d rows equal gammaray-critpath's report" % (
        len(d["shares"]), sum(len(g["rows"]) for g in d["shares"])))
    print("map: %d nodes (%d named as in the SVG), %d links, svg %s" % (
        len(d["map"]["nodes"]), named, len(d["map"]["links"]), "drawn" if svg else "missing"))
    print("lists: " + ", ".join("%s %d/%d" % (k, len(v["runs"]), v["total"])
                                for k, v in sorted(d["lists"].items())))
    print("lost: %d stats records, %d unmatched" % (len(d["lost"]["stats"]), d["lost"]["unmatched"]))


if __name__ == "__main__":
    main()

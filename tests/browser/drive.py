#!/usr/bin/python3
"""drive.py: opens a gammaray-report page in headless Chromium and checks what it shows.

    drive.py CHROMIUM OUT     (OUT holds graph.ndjson and report.html)

A copy of the page gets a prelude that records every error (uncaught exceptions,
console.error, CSP violations) and, after the page's own script, a test script that
clicks each function of the map, opens the slowest run and searches a request id,
writing what the page then shows into a <pre id="gr-test-results">; Chromium's
--dump-dom gives it back. Expected values come from graph.ndjson and gammaray-critpath
--json, computed here. Screenshots: OUT/map.png, OUT/timeline.png. Then OUT/hostile/
(names that are markup, quotes, bidi controls): alert() trapped, every map node
clicked, the names shown must be the very text of OUT/hostile/names.json and nothing
may run. Then OUT/cost.html (--cost): every function's cost shown, the slowest run's
cost and the money off its path as gammaray-critpath --cost --json says. Exit 1 on a
difference.
"""
import html
import json
import math
import os
import re
import subprocess
import sys
import time

browser, out = sys.argv[1], sys.argv[2]
graph = os.path.join(out, "graph.ndjson")
page = open(os.path.join(out, "report.html"), encoding="utf-8").read()
bad = []


def check(what, got, want):
    ok = got == want
    print("%s %s" % ("ok  " if ok else "FAIL", what))
    if not ok:
        print("     page: %r\n     want: %r" % (got, want))
        bad.append(what)


def pct(v, q):
    return v[min(max(1, math.ceil(q * len(v))), len(v)) - 1] if v else 0


# --- expectations, from the graph --------------------------------------------------
nodes, edges = {}, []
for line in open(graph, encoding="utf-8").read().split("\n"):
    if not line:
        continue
    r = json.loads(line)
    if r["type"] == "node":
        nodes[r["id"]] = r
    elif r["type"] == "edge":
        edges.append(r)
fns = {}
for n in nodes.values():
    f = fns.setdefault(n.get("fn"), {"d": [], "cold": 0, "n": 0, "rt": None, "other": 0})
    f["n"] += 1
    f["cold"] += bool(n.get("cold"))
    # the runtime of the first invocation naming one (file order), and how many name another
    if n.get("runtime") and not f["rt"]:
        f["rt"] = n["runtime"]
    elif n.get("runtime") and n["runtime"] != f["rt"]:
        f["other"] += 1
    if "start_us" in n and "end_us" in n:
        f["d"].append(n["end_us"] - n["start_us"] - n.get("init_us", 0) - n.get("restore_us", 0))
want_fns = {}
for name, f in fns.items():
    d = sorted(f["d"])
    want_fns[name if name is not None else "(unknown function)"] = {
        "p50": pct(d, 0.5), "p95": pct(d, 0.95), "cold": f["cold"], "invocations": f["n"],
        "runtime": f["rt"] and f["rt"] + (" (%d on another)" % f["other"] if f["other"] else "")}
out_edges = {}
for e in edges:
    out_edges.setdefault(e["from"], []).append(e["to"])


def reach(root):
    seen, stack = {root}, [root]
    while stack:
        for w in out_edges.get(stack.pop(), []):
            if w not in seen:
                seen.add(w)
                stack.append(w)
    return seen


cp = [json.loads(l) for l in subprocess.run(["gammaray-critpath", "--json", graph],
                                            capture_output=True, text=True,
                                            check=True).stdout.split("\n") if l]
slowest = sorted(cp, key=lambda c: (-c["latency_us"], c["root"]))[0]
members = reach(slowest["root"])
# a request id inside the slowest run (not its root), and the runs holding it
needle = sorted(members - {slowest["root"]})[0] if len(members) > 1 else slowest["root"]
want_search = sorted(c["root"] for c in cp if needle in reach(c["root"]))

# --- the page, driven ----------------------------------------------------------------
PRELUDE = """<script>
window.__errors = [];
window.addEventListener('error', function (e) { window.__errors.push('error: ' + e.message); });
window.addEventListener('unhandledrejection', function (e) { window.__errors.push('rejection: ' + e.reason); });
document.addEventListener('securitypolicyviolation', function (e) { window.__errors.push('csp: ' + e.violatedDirective + ' ' + e.blockedURI); });
(function () { var ce = console.error; console.error = function () {
  window.__errors.push('console.error: ' + Array.prototype.map.call(arguments, String).join(' ')); ce.apply(console, arguments); }; }());
</script>
"""
DRIVE = """<script>
(function () {
  var R = { fns: {} };
  var E = %s;
  function click(e) { e.dispatchEvent(new MouseEvent('click', { bubbles: true })); }
  function us(id) { var e = document.getElementById(id); return e ? Number(e.getAttribute('data-us')) : null; }
  function num(id) { var e = document.getElementById(id); return e ? Number(e.textContent) : null; }
  try {
    R.ready = document.documentElement.getAttribute('data-ready');
    Array.prototype.forEach.call(document.querySelectorAll('#map-svg g.node[data-fn]'), function (g) {
      click(g);
      if (!document.getElementById('fn-p50')) return;
      R.fns[document.getElementById('fn-name').textContent] = { p50: us('fn-p50'), p95: us('fn-p95'),
        cold: num('fn-cold'), invocations: num('fn-invocations'),
        runtime: document.getElementById('fn-runtime') ? document.getElementById('fn-runtime').textContent : null };
    });
    R.map_nodes = document.querySelectorAll('#map-svg g.node').length;
    var row = document.querySelector('#runs-slowest tbody tr');
    R.run = { row: row.getAttribute('data-root') };
    click(row);
    R.run.title = document.getElementById('run-title').textContent;
    R.run.latency = us('run-latency');
    R.run.reqs = Array.prototype.map.call(document.querySelectorAll('#run-nodes tbody tr'),
      function (tr) { return tr.getAttribute('data-req'); }).sort();
    R.run.bars = document.querySelectorAll('#run-timeline rect.bar').length;
    R.run.path_segs = document.querySelectorAll('#run-timeline rect.seg').length;
    R.run.graph_nodes = document.querySelectorAll('#run-graph g.inv').length;
    document.getElementById('search-req').value = E.needle;
    document.getElementById('search-form').requestSubmit();
    R.search = { count: document.getElementById('search-count').textContent,
      roots: Array.prototype.map.call(document.querySelectorAll('#search-table tbody tr'),
        function (tr) { return tr.getAttribute('data-root'); }).sort(),
      title: document.getElementById('run-title').textContent };
    if (E.timeline) {
      /* the run's detail alone, at the top, for the screenshot */
      ['map', 'shares', 'search', 'lost', 'warnings', 'run-list'].forEach(function (id) {
        document.getElementById(id).style.display = 'none'; });
      ['header', 'nav', '.tabs', '#runs h2'].forEach(function (q) { document.querySelector(q).style.display = 'none'; });
      window.scrollTo(0, 0);
    }
  } catch (e) { R.exception = String(e && e.stack || e); }
  R.dom_ms = performance.now();
  function done() {
    var nav = performance.getEntriesByType('navigation')[0];
    R.load_ms = nav ? nav.loadEventStart : null;
    R.errors = window.__errors;
    var pre = document.createElement('pre');
    pre.id = 'gr-test-results';
    pre.textContent = JSON.stringify(R);
    document.body.appendChild(pre);
  }
  if (document.readyState === 'complete') done();
  else window.addEventListener('load', function () { setTimeout(done, 0); });
}());
</script>
"""


def variant(name, timeline):
    p = page.replace("<body>\n", "<body>\n" + PRELUDE, 1)
    i = p.rindex("</body>")
    drive = DRIVE % json.dumps({"needle": needle, "timeline": timeline})
    p = p[:i] + drive + p[i:]
    path = os.path.join(out, name)
    with open(path, "w", encoding="utf-8") as f:
        f.write(p)
    return path


CHROME = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
          "--no-first-run", "--disable-extensions", "--mute-audio",
          "--user-data-dir=" + os.path.join(out, "profile")]


def chrome(args, url):
    t = time.time()
    r = subprocess.run(CHROME + args + ["file://" + os.path.abspath(url)], capture_output=True,
                       text=True, timeout=60)
    return r, time.time() - t


test_page = variant("report-test.html", False)
r, secs = chrome(["--virtual-time-budget=5000", "--dump-dom"], test_page)
m = re.search(r'<pre id="gr-test-results">(.*?)</pre>', r.stdout, re.S)
if not m:
    print("FAIL no results from the page (chromium exit %d)\n%s" % (r.returncode, r.stderr[-2000:]))
    sys.exit(1)
R = json.loads(html.unescape(m.group(1)))
check("no exception in the test script", R.get("exception"), None)
check("no console error, uncaught exception or CSP violation", R["errors"], [])
check("the page drew itself", R["ready"], "1")
check("every function of the map clicked, p50, p95, cold starts, invocations and runtime as in the graph",
      R["fns"], want_fns)
check("the slowest run opens first", R["run"]["row"], slowest["root"])
check("its title", R["run"]["title"], "run " + slowest["root"])
check("its latency (gammaray-critpath --json)", R["run"]["latency"], slowest["latency_us"])
check("its invocations (reachable from the root in the graph)", R["run"]["reqs"], sorted(members))
check("its timeline has a bar per timed invocation",
      R["run"]["bars"] >= sum(1 for i in members if "end_us" in nodes[i]), True)
check("its critical path is drawn", R["run"]["path_segs"] > 0, True)
check("its invocation graph has a box per invocation", R["run"]["graph_nodes"], len(members))
check("search by request id %s finds the runs holding it" % needle, R["search"]["roots"], want_search)
check("a single hit opens its run", R["search"]["title"],
      "run " + want_search[0] if len(want_search) == 1 else R["search"]["title"])
print("page: DOM built in %.0f ms, load event at %.0f ms (headless Chromium, %.1f s in all)"
      % (R["dom_ms"], R["load_ms"] or -1, secs))
with open(os.path.join(out, "load.txt"), "w") as f:
    f.write("%.0f\n" % (R["load_ms"] or -1))

# screenshots: the map, and the slowest run's timeline
r, _ = chrome(["--window-size=1400,1100", "--screenshot=" + os.path.join(out, "map.png")],
              os.path.join(out, "report.html"))
check("screenshot of the map", os.path.exists(os.path.join(out, "map.png")), True)
tl = variant("report-timeline.html", True)
r, _ = chrome(["--window-size=1400,1100", "--virtual-time-budget=5000",
               "--screenshot=" + os.path.join(out, "timeline.png")], tl)
check("screenshot of a timeline", os.path.exists(os.path.join(out, "timeline.png")), True)
print("screenshots: %s/map.png %s/timeline.png" % (out, out))
# the hostile page: names that are markup stay text, nothing they hold runs
hostile = os.path.join(out, "hostile")
if os.path.exists(os.path.join(hostile, "report.html")):
    want_names = json.load(open(os.path.join(hostile, "names.json"), encoding="utf-8"))
    hp = open(os.path.join(hostile, "report.html"), encoding="utf-8").read()
    trap = ("<script>window.__alerts = []; window.alert = function (m) { window.__alerts.push(String(m)); };"
            "</script>\n")
    hp = hp.replace("<body>\n", "<body>\n" + PRELUDE + trap, 1)
    i = hp.rindex("</body>")
    hp = hp[:i] + """<script>
(function () {
  var R = { names: [], keys: [] };
  try {
    Array.prototype.forEach.call(document.querySelectorAll('#map-svg g.node[data-fn]'), function (g) {
      g.dispatchEvent(new MouseEvent('click', { bubbles: true }));
      R.names.push(document.getElementById('fn-name').textContent);
    });
    document.querySelector('#runs-slowest tbody tr').dispatchEvent(new MouseEvent('click', { bubbles: true }));
    R.keys = Array.prototype.map.call(document.querySelectorAll('#unmatched-sample tbody tr td:nth-child(5)'),
      function (td) { return td.textContent; });
    R.injected = document.querySelectorAll('img, iframe, b, #app script, svg script').length;
  } catch (e) { R.exception = String(e); }
  R.alerts = window.__alerts;
  R.errors = window.__errors;
  var pre = document.createElement('pre'); pre.id = 'gr-test-results'; pre.textContent = JSON.stringify(R);
  document.body.appendChild(pre);
}());
</script>
""" + hp[i:]
    hpath = os.path.join(hostile, "report-test.html")
    with open(hpath, "w", encoding="utf-8") as f:
        f.write(hp)
    r, _ = chrome(["--virtual-time-budget=3000", "--dump-dom"], hpath)
    m = re.search(r'<pre id="gr-test-results">(.*?)</pre>', r.stdout, re.S)
    H = json.loads(html.unescape(m.group(1))) if m else {"exception": "no results"}
    check("hostile page: no exception", H.get("exception"), None)
    check("hostile page: nothing ran (no alert)", H["alerts"], [])
    check("hostile page: no error", H["errors"], [])
    check("hostile page: no element made of data", H["injected"], 0)
    check("hostile page: function names shown as the very text", sorted(n for n in H["names"] if n in want_names["fns"]),
          sorted(want_names["fns"]))
    check("hostile page: unmatched keys shown as text", H["keys"], want_names["keys"])

# the page with costs: what each function and the slowest run cost, as critpath says
cost_page = os.path.join(out, "cost.html")
if os.path.exists(cost_page):
    def dollars(pico):
        return "$0" if not pico else "$%d.%012d" % (pico // 10**12, pico % 10**12)
    cc = {c["root"]: c["cost"] for c in map(json.loads, subprocess.run(
        ["gammaray-critpath", "-q", "--cost", "--json", graph], capture_output=True, text=True,
        check=True).stdout.split("\n")[:-1])}
    want = cc[slowest["root"]]
    cp_page = open(cost_page, encoding="utf-8").read().replace("<body>\n", "<body>\n" + PRELUDE, 1)
    i = cp_page.rindex("</body>")
    cp_page = cp_page[:i] + """<script>
(function () {
  var R = { fns: [] };
  try {
    Array.prototype.forEach.call(document.querySelectorAll('#map-svg g.node[data-fn]'), function (g) {
      g.dispatchEvent(new MouseEvent('click', { bubbles: true }));
      var c = document.getElementById('fn-cost');
      if (c) R.fns.push(c.textContent);
    });
    document.querySelector('#runs-slowest tbody tr').dispatchEvent(new MouseEvent('click', { bubbles: true }));
    R.run = document.getElementById('run-cost').textContent;
    R.note = document.getElementById('cost').textContent;
  } catch (e) { R.exception = String(e); }
  R.errors = window.__errors;
  var pre = document.createElement('pre'); pre.id = 'gr-test-results'; pre.textContent = JSON.stringify(R);
  document.body.appendChild(pre);
}());
</script>
""" + cp_page[i:]
    cpath = os.path.join(out, "cost-test.html")
    with open(cpath, "w", encoding="utf-8") as f:
        f.write(cp_page)
    r, _ = chrome(["--virtual-time-budget=3000", "--dump-dom"], cpath)
    m = re.search(r'<pre id="gr-test-results">(.*?)</pre>', r.stdout, re.S)
    K = json.loads(html.unescape(m.group(1))) if m else {"exception": "no results"}
    check("cost page: no exception", K.get("exception"), None)
    check("cost page: no error", K.get("errors"), [])
    check("cost page: every function's cost shown", len(K["fns"]) > 0 and all(
        f.startswith("$") or f == "unknown" for f in K["fns"]), True)
    check("cost page: the slowest run's cost and money off its path (gammaray-critpath --cost --json)",
          K["run"].startswith("cost " + dollars(want["pico"]) + "; on the critical path " +
                              dollars(want["path_pico"]) + ", off it " + dollars(want["off_path_pico"]) +
                              " ("),
          True)
    check("cost page: it says the prices were assumed", "No price file" in K["note"], True)

if bad:
    print("browser-check: %d failed" % len(bad))
    sys.exit(1)
print("browser-check: passed")

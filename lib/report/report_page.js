/* report_page.js: gammaray-report's page script: draws the page from the gr-data element with DOM calls only. */
/* Every piece of data reaches the page through textContent, createTextNode or setAttribute
 * of a fixed attribute name: names from logs (S3 keys with markup, quotes, bidi characters)
 * are shown as text and never run. The map's SVG comes from Graphviz (which escapes every
 * label); it is parsed as XML, stripped of anything active, and imported. */
(function () {
	'use strict';
	var SVGNS = 'http://www.w3.org/2000/svg';
	var D = JSON.parse(document.getElementById('gr-data').textContent);
	var app = document.getElementById('app');
	var FLAG_FAILED = 1, FLAG_COLD = 2, FLAG_RETRY = 4;

	/* --- helpers ------------------------------------------------------------------ */
	function el(tag, attrs, kids) {
		var e = document.createElement(tag);
		var k;
		for (k in attrs || {})
			if (Object.prototype.hasOwnProperty.call(attrs, k) && attrs[k] !== undefined && attrs[k] !== null)
				e.setAttribute(k, String(attrs[k]));
		add(e, kids);
		return e;
	}
	function add(e, kids) {
		if (kids === undefined || kids === null)
			return e;
		if (!Array.isArray(kids))
			kids = [kids];
		kids.forEach(function (k) {
			if (k === undefined || k === null)
				return;
			e.appendChild(typeof k === 'object' ? k : document.createTextNode(String(k)));
		});
		return e;
	}
	function svg(tag, attrs, text) {
		var e = document.createElementNS(SVGNS, tag);
		var k;
		for (k in attrs || {})
			if (Object.prototype.hasOwnProperty.call(attrs, k))
				e.setAttribute(k, String(attrs[k]));
		if (text !== undefined)
			e.textContent = String(text);
		return e;
	}
	function clear(e) {
		while (e.firstChild)
			e.removeChild(e.firstChild);
		return e;
	}
	/* As gammaray's gr_duration_format. */
	function dur(us) {
		if (us === null || us === undefined)
			return '-';
		var sign = us < 0 ? '-' : '';
		var a = Math.abs(us);
		if (a === 0) return '0 ms';
		if (a < 1000) return sign + a + ' us';
		if (a < 10000) return sign + (a / 1e3).toFixed(1) + ' ms';
		if (a < 1000000) return sign + (a / 1e3).toFixed(0) + ' ms';
		if (a < 100000000) return sign + (a / 1e6).toFixed(2) + ' s';
		if (a < 6000000000) return sign + (a / 1e6).toFixed(0) + ' s';
		return sign + (a / 6e7).toFixed(1) + ' min';
	}
	function pct(f) { return (100 * f).toFixed(1) + '%'; }
	function iso(us) {
		if (us === null || us === undefined)
			return '-';
		var d = new Date(Math.floor(us / 1000));
		return isNaN(d.getTime()) ? String(us) : d.toISOString();
	}
	function fnName(n) {
		return n === null || n === undefined ? '(unknown function)' : n;
	}
	/* A table whose columns sort on a click of their heading. cols: [{label, num}];
	 * rows: [{cells: [{t, v, us}], attrs, onclick}] */
	function table(cols, rows, id) {
		var t = el('table', { id: id });
		var thead = el('thead');
		var tr = el('tr');
		var tbody = el('tbody');
		var sorted = { col: -1, dir: 1 };
		cols.forEach(function (c, i) {
			var th = el('th', { 'data-col': i }, c.label);
			th.addEventListener('click', function () {
				sorted.dir = sorted.col === i ? -sorted.dir : (c.num ? -1 : 1);
				sorted.col = i;
				Array.prototype.forEach.call(tr.children, function (h) { h.className = ''; });
				th.className = sorted.dir > 0 ? 'sorted-asc' : 'sorted-desc';
				rows.sort(function (a, b) {
					var x = a.cells[i].v, y = b.cells[i].v;
					if (x === y) return 0;
					if (x === null || x === undefined) return 1;
					if (y === null || y === undefined) return -1;
					return (x < y ? -1 : 1) * sorted.dir;
				});
				fill();
			});
			tr.appendChild(th);
		});
		thead.appendChild(tr);
		t.appendChild(thead);
		t.appendChild(tbody);
		function fill() {
			clear(tbody);
			rows.forEach(function (r) {
				var row = el('tr', r.attrs);
				r.cells.forEach(function (c, i) {
					var td = el('td', { 'class': cols[i].num ? 'num' : (cols[i].mono ? 'mono' : 'name') }, c.t);
					if (c.us !== undefined && c.us !== null)
						td.setAttribute('data-us', String(c.us));
					row.appendChild(td);
				});
				if (r.onclick) {
					row.className = 'clickable';
					row.addEventListener('click', r.onclick);
				}
				tbody.appendChild(row);
			});
		}
		fill();
		return t;
	}
	function cell(t, v, us) { return { t: t, v: v === undefined ? t : v, us: us }; }
	function pcell(p) { return cell(p.toFixed(1) + '%', p); }
	function durCell(us) { return cell(dur(us), us, us); }
	/* Money: exact dollars as gammaray writes them, sorted by pico-dollars; '-' unknown. */
	var C = D.cost || null;
	function moneyCell(text, pico) { return text === null || text === undefined ? cell('unknown', null) : cell(text, pico); }
	function costLine(c) {
		if (!c || c.total === null)
			return 'cost unknown: ' + (c ? c.invocations : 0) + ' invocations, none with a Billed Duration and Memory Size';
		return 'cost ' + c.total + '; on the critical path ' + c.path + ', off it ' + c.off + ' (' + c.off_pct +
			'%): money that buys no latency' + (c.unknown ? '; ' + c.unknown + ' invocations of unknown cost (' +
			c.unknown_on_path + ' on the path) not in these sums' : '');
	}

	var S = D.summary;
	var nodes = D.map.nodes;
	var byId = {};
	nodes.forEach(function (n, i) { byId[n.id] = i; });

	/* --- header ------------------------------------------------------------------- */
	var nav = el('nav', {}, [
		el('a', { href: '#map' }, 'map'), el('a', { href: '#shares' }, 'where the time went'),
		el('a', { href: '#runs' }, 'runs'), el('a', { href: '#search' }, 'search'),
		el('a', { href: '#lost' }, 'not linked or read')]);
	add(app, el('header', {}, [
		el('h1', {}, 'gammaray report'),
		el('div', { 'class': 'meta', id: 'summary' }, [
			S.invocations + ' invocations, ' + S.edges + ' causal edges, ' + S.runs + ' runs (' +
			S.roots + ' roots), ' + iso(S.first_us) + ' to ' + iso(S.last_us) + ' \u2014 ' + D.generator])]));
	add(app, nav);

	var lostCount = 0;
	D.lost.stats.forEach(function (s) {
		Object.keys(s.lost || {}).forEach(function (k) { lostCount += s.lost[k]; });
	});
	Object.keys(D.lost.report.lost).forEach(function (k) { lostCount += D.lost.report.lost[k]; });
	var warns = el('section', { id: 'warnings' });
	if (lostCount || D.lost.unmatched)
		add(warns, el('div', { 'class': 'warn', id: 'partial' },
			'A partial picture: ' + lostCount + ' records lost before or while building this graph, ' +
			D.lost.unmatched + ' pieces of evidence left unlinked. See "not linked or read".'));
	if (!D.lost.stats.length)
		add(warns, el('div', { 'class': 'warn' }, 'The graph carries no stats records: what fetch and infer lost is not known.'));
	if (C)
		add(warns, el('div', { 'class': C.unknown || !C.from_file ? 'warn' : 'note', id: 'cost' },
			(C.total === null ? 'Cost unknown' : 'Cost: ' + C.total + ' for the ' + C.known + ' invocations of known cost') +
			(C.unknown ? '; ' + C.unknown + ' invocations of unknown cost (no Billed Duration or Memory Size: X-Ray or spans only), not counted as free' : '') +
			(C.from_file ? '. Prices from a price file (gammaray-prices(5)).' :
				'. No price file: every function priced as x86_64 in us-east-1 at the public AWS prices of ' + C.prices_of + ' (gammaray-prices(5)).')));
	add(warns, el('div', { 'class': 'note', id: 'scope' },
		'Aggregates (map, shares) cover every run. Per-run timelines are in this page for the top ' + S.top +
		' runs of each list (' + S.detailed + ' runs); the search index holds ' + S.indexed + ' of ' +
		S.runs + ' runs (the slowest first)' + (S.untimed ? '; ' + S.untimed + ' roots had no time and no path' : '') + '.'));
	add(app, warns);

	/* --- the map ------------------------------------------------------------------ */
	var mapSec = el('section', { id: 'map' }, el('h2', {}, 'The application map: functions and services, critical path in red'));
	var mapWrap = el('div', { 'class': 'mapwrap' });
	var mapBox = el('div', { id: 'map-svg' });
	var panel = el('div', { id: 'map-panel' }, el('p', { 'class': 'note' }, 'Click a function or a service resource.'));
	add(mapWrap, [mapBox, panel]);
	add(mapSec, mapWrap);
	add(app, mapSec);

	function sanitize(root) {
		var all = root.querySelectorAll('*');
		Array.prototype.forEach.call(all, function (e) {
			var n = e.localName.toLowerCase();
			if (n === 'script' || n === 'foreignobject' || n === 'iframe' || n === 'use') {
				e.parentNode.removeChild(e);
				return;
			}
			Array.prototype.slice.call(e.attributes).forEach(function (a) {
				var an = a.name.toLowerCase();
				if (an.indexOf('on') === 0 || an === 'href' || an === 'xlink:href' || an === 'src')
					e.removeAttribute(a.name);
			});
		});
	}
	var mapSvg = null;
	if (D.svg) {
		var doc = new DOMParser().parseFromString(D.svg, 'image/svg+xml');
		if (doc.documentElement && doc.documentElement.localName === 'svg' && !doc.querySelector('parsererror')) {
			sanitize(doc.documentElement);
			mapSvg = document.importNode(doc.documentElement, true);
			/* fit the box's width; the viewBox keeps the proportions */
			mapSvg.setAttribute('width', '100%');
			mapSvg.removeAttribute('height');
			mapBox.appendChild(mapSvg);
		}
	}
	if (!mapSvg)
		add(mapBox, el('p', { 'class': 'warn' }, 'The map could not be drawn (Graphviz); the table below lists the same nodes.'));
	if (mapSvg)
		Array.prototype.forEach.call(mapSvg.querySelectorAll('g.node'), function (g) {
			var t = g.querySelector('title');
			var id = t ? t.textContent : '';
			if (byId[id] === undefined)
				return;
			g.setAttribute('data-fn', id);
			g.addEventListener('click', function () { showFn(id); });
		});

	function linkRows(list, other) {
		return list.map(function (l) {
			var o = nodes[l[other]];
			return {
				cells: [cell(fnName(o.name) + (o.type === 'resource' ? ' (' + o.kind + ')' : '')),
					cell(l.kind + (l.sync ? ' (sync)' : '')), cell(l.count, l.count),
					cell(l.critical, l.critical),
					l.delay ? durCell(l.delay.p50_us) : cell('-', null),
					l.delay ? durCell(l.delay.p95_us) : cell('-', null),
					l.delay ? durCell(l.delay.max_us) : cell('-', null)],
				onclick: function () { showFn(o.id); }
			};
		});
	}
	var linkCols = [{ label: 'node' }, { label: 'via' }, { label: 'edges', num: 1 }, { label: 'critical', num: 1 },
		{ label: 'delay p50', num: 1 }, { label: 'delay p95', num: 1 }, { label: 'delay max', num: 1 }];
	function showFn(id) {
		var i = byId[id];
		var n = nodes[i];
		if (!n)
			return;
		if (mapSvg)
			Array.prototype.forEach.call(mapSvg.querySelectorAll('g.node'), function (g) {
				g.classList.toggle('selected', g.getAttribute('data-fn') === id);
			});
		clear(panel);
		add(panel, el('h3', { id: 'fn-name', 'class': 'name' }, fnName(n.name)));
		add(panel, el('p', { 'class': 'note' }, n.type === 'resource' ? n.kind + ' resource' : n.type));
		var facts = [];
		if (n.type === 'resource') {
			facts.push(['causal edges through it', n.count, 'fn-count']);
			facts.push(['on a critical path', n.critical, 'fn-critical']);
		} else {
			facts.push(['invocations', n.count, 'fn-invocations']);
			facts.push(['duration p50', dur(n.p50_us), 'fn-p50', n.p50_us]);
			facts.push(['duration p95', dur(n.p95_us), 'fn-p95', n.p95_us]);
			facts.push(['duration p99', dur(n.p99_us), 'fn-p99', n.p99_us]);
			facts.push(['duration max', dur(n.max_us), 'fn-max', n.max_us]);
			facts.push(['cold starts', n.cold, 'fn-cold']);
			facts.push(['SnapStart restores', n.restores, 'fn-restores']);
			if (n.runtime)
				facts.push(['runtime', n.runtime + (n.other_runtime ? ' (' + n.other_runtime +
					' on another)' : ''), 'fn-runtime']);
			facts.push(['errors', n.errors, 'fn-errors']);
			facts.push(['timeouts', n.timeouts, 'fn-timeouts']);
			facts.push(['on a critical path', n.critical, 'fn-critical']);
			if (C) {
				facts.push(['cost', n.cost === null ? 'unknown' : n.cost, 'fn-cost']);
				facts.push(['of unknown cost', n.unpriced, 'fn-unpriced']);
			}
		}
		var t = el('table');
		facts.forEach(function (f) {
			var td = el('td', { 'class': 'num', id: f[2] }, String(f[1]));
			if (f[3] !== undefined)
				td.setAttribute('data-us', String(f[3]));
			t.appendChild(el('tr', {}, [el('th', {}, f[0]), td]));
		});
		add(panel, t);
		if (n.type !== 'resource')
			add(panel, el('p', { 'class': 'note' }, 'Duration: the function\u2019s own time, init and restore apart (as the map\u2019s labels).'));
		var ins = D.map.links.filter(function (l) { return l.to === i; });
		var outs = D.map.links.filter(function (l) { return l.from === i; });
		add(panel, el('h3', {}, 'in (' + ins.length + ')'));
		add(panel, table(linkCols, linkRows(ins, 'from'), 'fn-in'));
		add(panel, el('h3', {}, 'out (' + outs.length + ')'));
		add(panel, table(linkCols, linkRows(outs, 'to'), 'fn-out'));
	}
	add(mapSec, el('h3', {}, 'every node of the map'));
	add(mapSec, table([{ label: 'node' }, { label: 'type' }, { label: 'invocations or edges', num: 1 },
		{ label: 'p50', num: 1 }, { label: 'p95', num: 1 }, { label: 'cold starts', num: 1 },
		{ label: 'errors', num: 1 }, { label: 'timeouts', num: 1 }, { label: 'critical', num: 1 }].concat(
		C ? [{ label: 'cost', num: 1 }] : []),
	nodes.map(function (n) {
		var f = n.type !== 'resource';
		return {
			cells: [cell(fnName(n.name)), cell(f ? n.type : n.kind + ' resource'), cell(n.count, n.count),
				f ? durCell(n.p50_us) : cell('-', null), f ? durCell(n.p95_us) : cell('-', null),
				cell(f ? n.cold : '-', f ? n.cold : null), cell(f ? n.errors : '-', f ? n.errors : null),
				cell(f ? n.timeouts : '-', f ? n.timeouts : null), cell(n.critical, n.critical)].concat(
				C ? [f ? moneyCell(n.cost, n.cost_pico) : cell('-', null)] : []),
			attrs: { 'data-fn': n.id },
			onclick: function () { showFn(n.id); }
		};
	}), 'map-nodes'));

	/* --- where the time went ------------------------------------------------------ */
	var shareSec = el('section', { id: 'shares' }, [el('h2', {}, 'Where the time went: the critical path per root function'),
		el('p', { 'class': 'note' }, 'The numbers of gammaray-critpath\u2019s report: per run, each row\u2019s time on the critical path as a share of the run\u2019s latency (p50, p95, p99 over the runs where it is on the path), and its share of all the group\u2019s latency (time).')]);
	D.shares.forEach(function (g, gi) {
		add(shareSec, el('h3', { 'class': 'name' }, (g.label === '' ? 'every run' : 'root function ' + g.label) + ': ' +
			g.runs + ' runs, latency p50 ' + dur(g.p50_us) + ', p95 ' + dur(g.p95_us) + ', p99 ' +
			dur(g.p99_us) + ', max ' + dur(g.max_us)));
		if (C)
			add(shareSec, el('p', { 'class': 'cost', id: 'shares-cost-' + gi }, costLine(g.cost)));
		add(shareSec, table([{ label: 'on the critical path' }, { label: 'as' }, { label: 'runs', num: 1 },
			{ label: '%runs', num: 1 }, { label: 'p50', num: 1 }, { label: 'p95', num: 1 },
			{ label: 'p99', num: 1 }, { label: 'time', num: 1 }],
		g.rows.map(function (r) {
			return { cells: [cell(r.label), cell(r.as), cell(r.runs, r.runs), pcell(r.runs_pct),
				pcell(r.p50_pct), pcell(r.p95_pct), pcell(r.p99_pct), pcell(r.time_pct)] };
		}), 'shares-' + gi));
	});
	add(app, shareSec);

	/* --- runs ---------------------------------------------------------------------- */
	var runByDetail = {};
	D.runs.forEach(function (r) { if (r[6] >= 0) runByDetail[r[6]] = r; });
	function flagText(f) {
		var s = [];
		if (f & FLAG_FAILED) s.push('failed');
		if (f & FLAG_COLD) s.push('cold start on path');
		if (f & FLAG_RETRY) s.push('retry on path');
		return s.join(', ');
	}
	function runRows(list) {
		return list.map(function (r) {
			return {
				cells: [cell(r[0]), cell(fnName(r[1])), cell(iso(r[2]), r[2]), durCell(r[3]), cell(r[7], r[7]),
					cell(flagText(r[5])), cell(r[6] >= 0 ? 'timeline' : '-')].concat(
					C ? [moneyCell(r[9], r[8]), moneyCell(r[10], r[10])] : []),
				attrs: { 'data-root': r[0] },
				onclick: r[6] >= 0 ? function () { openRun(r[6]); } : undefined
			};
		});
	}
	var runCols = [{ label: 'root request id', mono: 1 }, { label: 'root function' }, { label: 'start' },
		{ label: 'latency', num: 1 }, { label: 'invocations', num: 1 }, { label: 'flags' }, { label: 'detail' }].concat(
		C ? [{ label: 'cost', num: 1 }, { label: 'off the path', num: 1 }] : []);
	var runSec = el('section', { id: 'runs' }, el('h2', {}, 'Runs'));
	var tabs = el('div', { 'class': 'tabs' });
	var listBox = el('div', { id: 'run-list' });
	var detail = el('div', { id: 'run-detail' }, el('p', { 'class': 'note' }, 'Click a run to see its timeline and its invocation graph.'));
	var names = { slowest: 'slowest', failed: 'failed', cold: 'cold start on the path', retry: 'retry on the path' };
	function showList(name) {
		var L = D.lists[name];
		Array.prototype.forEach.call(tabs.children, function (b) { b.className = b.getAttribute('data-list') === name ? 'active' : ''; });
		clear(listBox);
		add(listBox, el('p', { 'class': 'note' }, L.total + ' runs ' + (name === 'slowest' ? 'in all' : 'of this kind') +
			'; the ' + L.runs.length + (name === 'slowest' ? ' slowest' : ' slowest of them') + ' are shown with a timeline.'));
		add(listBox, table(runCols, runRows(L.runs.map(function (d) { return runByDetail[d]; })), 'runs-' + name));
	}
	Object.keys(names).forEach(function (k) {
		var b = el('button', { 'data-list': k, type: 'button' }, names[k] + ' (' + D.lists[k].total + ')');
		b.addEventListener('click', function () { showList(k); });
		tabs.appendChild(b);
	});
	add(runSec, [tabs, listBox, detail]);
	add(app, runSec);
	showList('slowest');

	var SEGCOL = { init: '#f9a825', restore: '#8e24aa', exec: '#1e88e5', trigger: '#9e9e9e', invoke: '#757575', sync: '#26a69a', wait: '#cfd8dc' };
	function legend() {
		var l = el('div', { 'class': 'legend' });
		[['init (cold start)', SEGCOL.init], ['SnapStart restore', SEGCOL.restore], ['execution', SEGCOL.exec],
			['trigger delay', SEGCOL.trigger], ['critical path', '#d00000']].forEach(function (p) {
			var i = el('i');
			i.style.background = p[1];
			l.appendChild(el('span', {}, [i, p[0]]));
		});
		return l;
	}
	function openRun(di) {
		var R = D.details[di];
		if (!R)
			return;
		clear(detail);
		add(detail, el('h3', { id: 'run-title', 'class': 'mono' }, 'run ' + R.root));
		add(detail, el('p', {}, [el('span', { id: 'run-latency', 'data-us': R.latency_us }, 'latency ' + dur(R.latency_us)),
			', ' + R.reach + ' invocations reachable (', el('span', { id: 'run-shown' }, String(R.nodes.length)),
			' shown' + (R.more ? ', ' + R.more + ' left out: at most ' + S.max_run_nodes + ' per run and ' +
			S.max_detail_nodes + ' in all the timelines' : '') + '), sink ' + R.sink +
			(R.errors ? ', ' + R.errors + ' failed' : '') + (flagText(R.flags) ? ' \u2014 ' + flagText(R.flags) : '')]));
		if (C)
			add(detail, el('p', { id: 'run-cost' }, costLine(R.cost)));
		add(detail, legend());
		add(detail, timeline(R));
		add(detail, el('h3', {}, 'invocation graph'));
		add(detail, invGraph(R));
		add(detail, el('h3', {}, 'invocations'));
		add(detail, table([{ label: 'request id', mono: 1 }, { label: 'function' }, { label: 'start' },
			{ label: 'duration', num: 1 }, { label: 'init', num: 1 }, { label: 'start kind' }, { label: 'status' },
			{ label: 'attempts', num: 1 }, { label: 'trace', mono: 1 }, { label: 'on path' }],
		R.nodes.map(function (n) {
			var d = n[2] !== null && n[3] !== null ? n[3] - n[2] : null;
			return { cells: [cell(n[0]), cell(fnName(n[1])), cell(iso(n[2]), n[2]), durCell(d), durCell(n[4]),
				cell(n[7]), cell(n[6] || '-'), cell(n[8], n[8]), cell(n[9] || '-'), cell(n[10] ? 'yes' : '')],
			attrs: { 'data-req': n[0] } };
		}), 'run-nodes'));
		detail.scrollIntoView();
	}

	/* A waterfall: one row per invocation, its init, restore and execution shaded apart,
	 * the trigger delay before it, and the critical path's segments on a row of its own. */
	function timeline(R) {
		var ns = R.nodes;
		var t0 = null, t1 = null;
		ns.forEach(function (n) {
			if (n[2] !== null && (t0 === null || n[2] < t0)) t0 = n[2];
			if (n[3] !== null && (t1 === null || n[3] > t1)) t1 = n[3];
		});
		R.edges.forEach(function (e) { if (e[4] !== null && (t0 === null || e[4] < t0)) t0 = e[4]; });
		if (t0 === null || t1 === null || t1 <= t0)
			return el('p', { 'class': 'note' }, 'No times to draw.');
		var LW = 260, W = 1000, RH = 18, top = 24;
		var H = top + (ns.length + 1) * RH + 10;
		var x = function (us) { return LW + (us - t0) / (t1 - t0) * (W - LW - 10); };
		var s = svg('svg', { 'class': 'timeline', width: W, height: H, viewBox: '0 0 ' + W + ' ' + H, id: 'run-timeline' });
		s.appendChild(svg('text', { x: LW, y: 12 }, '0'));
		s.appendChild(svg('text', { x: W - 60, y: 12 }, dur(t1 - t0)));
		/* the critical path row */
		var py = top;
		s.appendChild(svg('text', { x: 4, y: py + 12, fill: '#d00000' }, 'critical path'));
		R.path.forEach(function (h) {
			h.segments.forEach(function (g) {
				if (g[4] !== 0) return;
				var r = svg('rect', { x: x(g[1]), y: py + 2, width: Math.max(1, x(g[1] + g[2]) - x(g[1])), height: RH - 4,
					fill: SEGCOL[g[0]] || '#999', stroke: '#d00000', 'stroke-width': 1, 'class': 'seg seg-' + g[0] });
				r.appendChild(svg('title', {}, g[0] + ' ' + dur(g[2]) + ' (' + pct(g[5]) + ' of the latency) ' + fnName(ns[g[3]] ? ns[g[3]][1] : null)));
				s.appendChild(r);
			});
		});
		var into = {};
		R.edges.forEach(function (e) { (into[e[1]] = into[e[1]] || []).push(e); });
		ns.forEach(function (n, i) {
			var y = top + (i + 1) * RH;
			var lab = svg('text', { x: 4, y: y + 12, fill: n[10] ? '#d00000' : '#222' }, fnName(n[1]) + ' ' + n[0].slice(0, 8));
			s.appendChild(lab);
			(into[i] || []).forEach(function (e) {
				if (e[4] === null || n[2] === null) return;
				var r = svg('rect', { x: x(e[4]), y: y + 7, width: Math.max(1, x(n[2]) - x(e[4])), height: 4,
					fill: SEGCOL.trigger, 'class': 'delay' });
				r.appendChild(svg('title', {}, e[2] + (e[3] ? ' (sync)' : '') + ' trigger delay ' + dur(e[5]) + (e[7] ? ' ' + e[7] : '')));
				s.appendChild(r);
			});
			if (n[2] === null || n[3] === null) return;
			var a = n[2], b = a + n[4], c = b + n[5];
			[[a, b, 'init'], [b, c, 'restore'], [c, n[3], 'exec']].forEach(function (p) {
				if (p[1] <= p[0]) return;
				var r = svg('rect', { x: x(p[0]), y: y + 2, width: Math.max(1, x(p[1]) - x(p[0])), height: RH - 4,
					fill: SEGCOL[p[2]], stroke: n[10] ? '#d00000' : 'none', 'stroke-width': n[10] ? 2 : 0, 'class': 'bar bar-' + p[2] });
				r.appendChild(svg('title', {}, fnName(n[1]) + ' ' + n[0] + ': ' + p[2] + ' ' + dur(p[1] - p[0]) + (n[6] ? ', ' + n[6] : '')));
				s.appendChild(r);
			});
		});
		return s;
	}

	/* The run's invocations by depth from the root, edges between them, the path in red. */
	function invGraph(R) {
		var ns = R.nodes, depth = ns.map(function () { return -1; });
		var rootIx = 0;
		ns.forEach(function (n, i) { if (n[0] === R.root) rootIx = i; });
		var out = {};
		R.edges.forEach(function (e) { (out[e[0]] = out[e[0]] || []).push(e[1]); });
		depth[rootIx] = 0;
		var q = [rootIx];
		while (q.length) {
			var v = q.shift();
			(out[v] || []).forEach(function (w) { if (depth[w] < 0) { depth[w] = depth[v] + 1; q.push(w); } });
		}
		var cols = [], maxRows = 0;
		ns.forEach(function (n, i) {
			var d = depth[i] < 0 ? 0 : depth[i];
			(cols[d] = cols[d] || []).push(i);
		});
		cols.forEach(function (c) { if (c && c.length > maxRows) maxRows = c.length; });
		var BW = 150, BH = 30, GX = 60, GY = 10;
		var W = cols.length * (BW + GX) + 10, H = maxRows * (BH + GY) + 10;
		var pos = {};
		cols.forEach(function (c, d) { (c || []).forEach(function (i, k) { pos[i] = [5 + d * (BW + GX), 5 + k * (BH + GY)]; }); });
		var s = svg('svg', { width: W, height: H, viewBox: '0 0 ' + W + ' ' + H, id: 'run-graph' });
		R.edges.forEach(function (e) {
			var a = pos[e[0]], b = pos[e[1]];
			if (!a || !b) return;
			var l = svg('line', { x1: a[0] + BW, y1: a[1] + BH / 2, x2: b[0], y2: b[1] + BH / 2,
				stroke: e[6] ? '#d00000' : '#90a4ae', 'stroke-width': e[6] ? 2.5 : 1.2 });
			l.appendChild(svg('title', {}, e[2] + (e[3] ? ' (sync)' : '') + ', delay ' + dur(e[5])));
			s.appendChild(l);
		});
		ns.forEach(function (n, i) {
			var p = pos[i];
			var g = svg('g', { 'class': 'inv' });
			g.appendChild(svg('rect', { x: p[0], y: p[1], width: BW, height: BH, rx: 4,
				fill: n[6] === 'error' || n[6] === 'timeout' ? '#f8c9c4' : '#f2f2f2',
				stroke: n[10] ? '#d00000' : '#777', 'stroke-width': n[10] ? 2 : 1 }));
			var name = fnName(n[1]);
			g.appendChild(svg('text', { x: p[0] + 4, y: p[1] + 13 }, name.length > 22 ? name.slice(0, 21) + '\u2026' : name));
			g.appendChild(svg('text', { x: p[0] + 4, y: p[1] + 26, 'class': 'mono' },
				n[0].slice(0, 8) + ' ' + (n[2] !== null && n[3] !== null ? dur(n[3] - n[2]) : '')));
			g.appendChild(svg('title', {}, name + ' ' + n[0]));
			s.appendChild(g);
		});
		return s;
	}

	/* --- search -------------------------------------------------------------------- */
	var searchSec = el('section', { id: 'search' }, el('h2', {}, 'Search'));
	var form = el('form', { 'class': 'search', id: 'search-form' });
	function input(id, label, ph) {
		var i = el('input', { id: id, type: 'text', placeholder: ph, size: 24 });
		add(form, el('label', { 'for': id }, label));
		add(form, i);
		return i;
	}
	var qReq = input('search-req', 'request id', 'any invocation of a detailed run, or a root');
	var qTrace = input('search-trace', 'trace id', '1-... or W3C');
	var qFn = input('search-fn', 'function', 'part of a name');
	var qFrom = input('search-from', 'from', 'ISO 8601');
	var qTo = input('search-to', 'to', 'ISO 8601');
	add(form, el('button', { type: 'submit', id: 'search-go' }, 'search'));
	var results = el('div', { id: 'search-results' });
	add(searchSec, [form, el('p', { 'class': 'note' }, 'Searches the ' + S.indexed + ' runs of the index by root request id, root trace and function, and every invocation of the ' + S.detailed + ' runs with a timeline; times bound the root\u2019s start.'), results]);
	add(app, searchSec);
	function parseTime(s) {
		if (!s) return null;
		var ms = Date.parse(s);
		return isNaN(ms) ? undefined : ms * 1000;
	}
	form.addEventListener('submit', function (ev) {
		ev.preventDefault();
		var req = qReq.value.trim(), tr = qTrace.value.trim(), fn = qFn.value.trim();
		var from = parseTime(qFrom.value.trim()), to = parseTime(qTo.value.trim());
		clear(results);
		if (from === undefined || to === undefined) {
			add(results, el('p', { 'class': 'warn' }, 'A time could not be read: use ISO 8601 (2024-05-01T12:00:00Z).'));
			return;
		}
		var hit = D.runs.filter(function (r) {
			if (req) {
				var ok = r[0] === req;
				if (!ok && r[6] >= 0)
					ok = D.details[r[6]].nodes.some(function (n) { return n[0] === req; });
				if (!ok) return false;
			}
			if (tr) {
				var okt = r[4] === tr;
				if (!okt && r[6] >= 0)
					okt = D.details[r[6]].nodes.some(function (n) { return n[9] === tr; });
				if (!okt) return false;
			}
			if (fn && fnName(r[1]).indexOf(fn) < 0) {
				if (r[6] < 0 || !D.details[r[6]].nodes.some(function (n) { return fnName(n[1]).indexOf(fn) >= 0; }))
					return false;
			}
			if (from !== null && (r[2] === null || r[2] < from)) return false;
			if (to !== null && (r[2] === null || r[2] >= to)) return false;
			return true;
		});
		add(results, el('p', { id: 'search-count' }, hit.length + ' run' + (hit.length === 1 ? '' : 's') + ' found' +
			(hit.length > 500 ? ', the first 500 shown' : '')));
		add(results, table(runCols, runRows(hit.slice(0, 500)), 'search-table'));
		if (hit.length === 1 && hit[0][6] >= 0)
			openRun(hit[0][6]);
	});

	/* --- what was not linked or read ---------------------------------------------- */
	var lostSec = el('section', { id: 'lost' }, el('h2', {}, 'What was not linked or read'));
	function kv(o) {
		return Object.keys(o || {}).map(function (k) { return k + ' ' + o[k]; }).join(', ') || '-';
	}
	var stages = D.lost.stats.map(function (s) { return s; });
	stages.push({ stage: 'report', files: D.lost.report.files, records_in: D.lost.report.records_in,
		records_out: D.lost.report.records_out, skipped: D.lost.report.skipped, lost: D.lost.report.lost });
	add(lostSec, el('h3', {}, 'records read and lost, per stage'));
	add(lostSec, table([{ label: 'stage' }, { label: 'files', num: 1 }, { label: 'records in', num: 1 },
		{ label: 'records out', num: 1 }, { label: 'skipped' }, { label: 'lost' }],
	stages.map(function (s) {
		return { cells: [cell(s.stage), cell(s.files, s.files), cell(s.records_in, s.records_in),
			cell(s.records_out, s.records_out), cell(kv(s.skipped)), cell(kv(s.lost))], attrs: { 'data-stage': s.stage } };
	}), 'lost-stages'));
	add(lostSec, el('h3', {}, 'unmatched evidence: ' + D.lost.unmatched + ' records'));
	add(lostSec, el('p', { 'class': 'note' }, 'Triggers whose effect and invocations whose cause no rule found (gammaray-graph(5) unmatched records)' +
		(D.lost.unmatched > D.lost.unmatched_sample.length ? '; the first ' + D.lost.unmatched_sample.length + ' are listed' : '') +
		(D.lost.other_records ? '; ' + D.lost.other_records + ' other records not shown' : '') + '.'));
	add(lostSec, table([{ label: 'what' }, { label: 'kind' }, { label: 'records', num: 1 }],
		D.lost.unmatched_by.map(function (b) { return { cells: [cell(b.what), cell(b.kind), cell(b.count, b.count)] }; }), 'unmatched-by'));
	add(lostSec, table([{ label: 'what' }, { label: 'kind' }, { label: 'function' }, { label: 'request id', mono: 1 },
		{ label: 'key', mono: 1 }, { label: 'time' }],
	D.lost.unmatched_sample.map(function (u) {
		return { cells: [cell(u.what), cell(u.kind), cell(fnName(u.fn)), cell(u.req || '-'),
			cell(u.key === undefined ? '-' : String(u.key)), cell(iso(u.ts), u.ts)] };
	}), 'unmatched-sample'));
	add(app, lostSec);
	document.documentElement.setAttribute('data-ready', '1');
}());

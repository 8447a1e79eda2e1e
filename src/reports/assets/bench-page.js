// @ts-check
/**
 * The benchmark report page's script, inlined into report.html after uPlot: plain ES2019, reads #bench-data
 * (built by benchPageData.ts), builds tables with textContent only and draws the charts with uPlot.
 */
/** @typedef {import('../benchPageData.js').BenchPageData} BenchPageData */
/** @typedef {import('../benchPageData.js').PageTable} PageTable */
/** @typedef {import('../benchPageData.js').BarChart} BarChart */
/** @typedef {import('uplot')} Chart */
(function () {
  'use strict';
  /** @param {string} id an element the page's HTML always has */
  function pageEl(id) { return /** @type {HTMLElement} */ (document.getElementById(id)); }
  /** @type {BenchPageData} */
  var data = JSON.parse(/** @type {string} */ (pageEl('bench-data').textContent));
  var PALETTE = ['#1565c0', '#ef6c00', '#2e7d32', '#8e24aa', '#c62828', '#00838f', '#6d4c41', '#546e7a'];
  /** @param {number} i */
  function color(i) { return /** @type {string} */ (PALETTE[i % PALETTE.length]); }
  /** @param {string} tag @param {unknown} [text] @param {string} [cls] */
  function el(tag, text, cls) { var e = document.createElement(tag); if (text != null) e.textContent = String(text); if (cls) e.className = cls; return e; }
  /** @param {string} id @param {PageTable} t */
  function table(id, t) {
    var wrap = el('div', null, 'table-wrap'), tab = el('table'), tr = el('tr');
    t.head.forEach(function (h) { tr.appendChild(el('th', h)); });
    var thead = el('thead'); thead.appendChild(tr); tab.appendChild(thead);
    var tbody = el('tbody');
    t.rows.forEach(function (r) {
      var row = el('tr');
      r.forEach(function (c) { row.appendChild(typeof c === 'string' ? el('td', c) : el('td', c.text, c.cls)); });
      tbody.appendChild(row);
    });
    tab.appendChild(tbody); wrap.appendChild(tab);
    pageEl(id).appendChild(wrap);
  }
  pageEl('title').textContent = 'Benchmark ' + data.benchmarkId;
  pageEl('facts').textContent = data.facts.join(' · ');
  table('table-overall', data.tables.overall);
  table('table-tasks', data.tables.tasks);
  table('table-runs', data.tables.runs);

  /** @type {Chart[]} */
  var charts = [];
  /** @param {HTMLElement} node @param {number} fallback */
  function widthOf(node, fallback) { return Math.max(320, node.clientWidth || fallback); }
  // uPlot's types want each series of a chart's data as the x series is; ours may hold nulls (no value).
  /** @param {number[]} xs @param {(number | null)[][]} ys */
  function chartData(xs, ys) { return /** @type {import('uplot').AlignedData} */ (/** @type {unknown} */ ([xs].concat(/** @type {number[][]} */ (ys)))); }

  // Grouped bars: x is the group index; each agent's bar sits at its own offset inside the group (uPlot.paths.bars with disp.x0/size).
  /** @param {string} id @param {BarChart} chart @param {string} xLabel @param {string} yLabel */
  function bars(id, chart, xLabel, yLabel) {
    var node = pageEl(id);
    if (!chart.groups.length || !chart.agents.length) { node.appendChild(el('p', 'Nothing to draw.', 'muted')); return; }
    var k = chart.agents.length, w = 0.8 / k;
    var xs = chart.groups.map(function (_, i) { return i; });
    /** @type {import('uplot').Series[]} */
    var series = [{ label: xLabel, value: function (u, v) { return v == null ? '--' : /** @type {string} */ (chart.groups[v]); } }];
    var barPaths = /** @type {NonNullable<typeof uPlot.paths.bars>} */ (uPlot.paths.bars);
    chart.agents.forEach(function (agent, a) {
      var x0 = xs.map(function (i) { return i - 0.4 + a * w; }), size = xs.map(function () { return w; });
      series.push({
        label: agent, stroke: color(a), fill: color(a) + 'cc', width: 1, points: { show: false },
        value: function (u, v) { return v == null ? '--' : v.toFixed(1) + '%'; },
        paths: barPaths({ disp: { x0: { unit: 1, values: function () { return x0; } }, size: { unit: 1, values: function () { return size; } } }, gap: 2 }),
      });
    });
    charts.push(new uPlot({
      width: widthOf(node, 900), height: 300,
      scales: { x: { time: false, range: [-0.5, chart.groups.length - 0.5] }, y: { range: [0, 100] } },
      axes: [
        { splits: function () { return xs; }, values: function (u, splits) { return splits.map(function (i) { return chart.groups[i] == null ? '' : chart.groups[i]; }); }, grid: { show: false } },
        { label: yLabel, values: function (u, vals) { return vals.map(function (v) { return v + '%'; }); } },
      ],
      cursor: { points: { show: false } },
      series: series,
    }, chartData(xs, chart.values), node));
  }
  bars('chart-medals', data.charts.medals, 'task', 'any medal %');
  bars('chart-selection', data.charts.selection, 'strategy', 'any medal % (all tasks)');

  // Validation vs hidden test, one chart per task: points per agent, and the test = validation line.
  var scatterRoot = pageEl('charts-scatter');
  var agents = data.charts.medals.agents;
  var noPath = function () { return null; };
  // Tick labels with as many decimals as the tick spacing needs (scores close to 1 would otherwise repeat).
  /** @type {(u: Chart, vals: number[], axis: number, space: number, incr: number) => string[]} */
  var ticks = function (u, vals, axis, space, incr) {
    var text = String(Number((incr || 1).toPrecision(6)));
    var dec = text.indexOf('e') >= 0 ? Math.ceil(-Math.log10(incr)) + 1 : (text.split('.')[1] || '').length;
    dec = Math.min(12, Math.max(0, dec));
    return vals.map(function (v) { return v.toFixed(dec); });
  };
  data.charts.scatter.forEach(function (c) {
    var box = el('div'); box.appendChild(el('h3', c.task + ' (' + c.metric + ')'));
    var plot = el('div'); box.appendChild(plot); scatterRoot.appendChild(box);
    var pts = c.points.slice().sort(function (p, q) { return p.validation - q.validation; });
    var xs = pts.map(function (p) { return p.validation; });
    var ys = agents.map(function (a) { return pts.map(function (p) { return p.agent === a ? p.test : null; }); });
    /** @type {import('uplot').Series[]} */
    var series = [{ label: 'validation' }];
    agents.forEach(function (a, i) { series.push({ label: a, stroke: color(i), fill: color(i), paths: noPath, points: { show: true, size: 8 } }); });
    series.push({ label: 'test = validation', stroke: '#9e9e9e', dash: [4, 4], width: 1, points: { show: false } });
    charts.push(new uPlot({
      width: 380, height: 260, scales: { x: { time: false } },
      axes: [{ label: 'validation', values: ticks }, { label: 'hidden test', values: ticks, size: 60 }],
      legend: { live: false },
      series: series,
    }, chartData(xs, ys.concat([xs.slice()])), plot));
  });
  if (data.charts.unscoredTasks.length) scatterRoot.appendChild(el('p', 'No run with both scores: ' + data.charts.unscoredTasks.join(', '), 'muted'));
  if (!data.charts.scatter.length && !data.charts.unscoredTasks.length) scatterRoot.appendChild(el('p', 'No runs.', 'muted'));

  document.body.setAttribute('data-chart-count', String(charts.length));
  window.crucibleBenchReport = { charts: charts, data: data };
})();

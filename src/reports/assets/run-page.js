// @ts-check
/**
 * The run report page's script, inlined into report.html after cytoscape and uPlot: plain ES2019, reads
 * #report-data (built by runPageData.ts), draws and wires everything with textContent only.
 */
/** @typedef {import('../runPageData.js').RunPageData} RunPageData */
/** @typedef {import('../runPageData.js').RunPageNode} RunPageNode */
/** @typedef {import('../runPageData.js').Trimmed} Trimmed */
(function () {
  'use strict';
  /** @param {string} id an element the page's HTML always has */
  function pageEl(id) { return /** @type {HTMLElement} */ (document.getElementById(id)); }
  /** @type {RunPageData} */
  var data = JSON.parse(/** @type {string} */ (pageEl('report-data').textContent));
  var s = data.summary, nodes = data.nodes;
  /** @type {Record<number, RunPageNode>} */
  var byId = {}; nodes.forEach(function (n) { byId[n.id] = n; });
  /** @param {string} tag @param {unknown} [text] @param {string} [cls] */
  function el(tag, text, cls) { var e = document.createElement(tag); if (text != null) e.textContent = String(text); if (cls) e.className = cls; return e; }
  /** @param {unknown} x */
  function num(x) { return x == null ? '—' : (typeof x === 'number' ? String(Number(x.toPrecision(5))) : String(x)); }
  /** @param {number | null | undefined} ms */
  function dur(ms) { if (ms == null) return '—'; var t = Math.round(ms / 1000); return t >= 60 ? Math.floor(t / 60) + 'm' + String(t % 60).padStart(2, '0') + 's' : t + 's'; }
  /** @param {unknown[][]} rows @param {string[]} [head] */
  function table(rows, head) {
    var t = el('table');
    if (head) { var tr = el('tr'); head.forEach(function (h) { tr.appendChild(el('th', h)); }); t.appendChild(tr); }
    rows.forEach(function (r) { var tr = el('tr'); r.forEach(function (c) { tr.appendChild(el('td', c)); }); t.appendChild(tr); });
    return t;
  }
  var bestId = s.best ? s.best.id : null;

  pageEl('title').textContent = 'Run ' + s.runId;
  pageEl('facts').textContent = [
    'task ' + s.task, 'metric ' + s.metric + ' (' + data.direction + ')', 'agent ' + s.agent, 'policy ' + s.policy, 'seed ' + s.seed,
    'stopped: ' + s.stopReason, s.nodes + ' nodes, ' + s.buggyNodes + ' buggy', 'elapsed ' + dur(s.elapsedMs),
    'isolation ' + (s.isolation ? (s.isolation.length ? s.isolation.join(', ') : 'no executions') : 'not recorded'),
  ].join(' · ');

  // Graph
  var legend = pageEl('legend');
  /** @type {[string, string][]} */ ([['hsl(0,70%,50%)', 'worst validation'], ['hsl(120,70%,50%)', 'best validation'], ['#d7d7d7', 'buggy (red border)'],
   ['#fff', 'submitted (thick gold border)']]).forEach(function (l) {
    var sp = el('span'); var i = el('i'); i.style.background = l[0]; i.style.border = '1px solid #888'; sp.appendChild(i); sp.appendChild(document.createTextNode(l[1])); legend.appendChild(sp);
  });
  legend.appendChild(el('span', '- - crossover second parent'));
  /** @type {import('cytoscape').ElementDefinition[]} */
  var elements = [];
  nodes.forEach(function (n) {
    var cls = [n.buggy ? 'buggy' : '', n.id === bestId ? 'best' : '', n.id === 0 ? 'root' : ''].join(' ');
    elements.push({ group: 'nodes', classes: cls, data: { id: 'n' + n.id, nodeId: n.id, color: n.color,
      label: n.id === 0 ? 'root' : '#' + n.id + (n.buggy ? ' ✗' : ' ' + num(n.score)) } });
  });
  nodes.forEach(function (n) {
    n.parents.forEach(function (p, k) {
      if (!byId[p]) return;
      elements.push({ group: 'edges', classes: k > 0 ? 'crossover' : '', data: { id: 'e' + p + '-' + n.id + '-' + k, source: 'n' + p, target: 'n' + n.id } });
    });
  });
  var cy = cytoscape({
    container: pageEl('graph'), elements: elements, wheelSensitivity: 0.3,
    // cytoscape's types want `roots` as an array; the library takes a selector too.
    layout: /** @type {import('cytoscape').BreadthFirstLayoutOptions} */ (/** @type {unknown} */ ({ name: 'breadthfirst', directed: true, roots: '#n0', spacingFactor: 1.1, padding: 20 })),
    style: [
      { selector: 'node', style: { 'background-color': 'data(color)', label: 'data(label)', 'font-size': 10, 'text-valign': 'bottom', 'text-margin-y': 3, width: 26, height: 26, 'border-width': 1, 'border-color': '#555' } },
      { selector: 'node.buggy', style: { 'border-color': '#c62828', 'border-width': 3, 'border-style': 'dashed', shape: 'round-rectangle' } },
      { selector: 'node.best', style: { 'border-color': '#ffb300', 'border-width': 5 } },
      { selector: 'node.root', style: { shape: 'diamond' } },
      { selector: 'node:selected', style: { 'overlay-color': '#1565c0', 'overlay-opacity': 0.25 } },
      { selector: 'edge', style: { width: 1.5, 'line-color': '#90a4ae', 'target-arrow-color': '#90a4ae', 'target-arrow-shape': 'triangle', 'curve-style': 'bezier' } },
      { selector: 'edge.crossover', style: { 'line-style': 'dashed', 'line-color': '#8e24aa', 'target-arrow-color': '#8e24aa' } },
    ],
  });
  pageEl('graph').setAttribute('data-node-count', String(cy.nodes().length));
  window.crucibleReport = { cy: cy, nodeCount: cy.nodes().length, showNode: showNode };

  /** @param {HTMLElement} parent @param {string} title @param {Trimmed | null} trimmed */
  function section(parent, title, trimmed) {
    parent.appendChild(el('h3', title));
    if (!trimmed) { parent.appendChild(el('p', 'none', 'muted')); return null; }
    if (trimmed.error) parent.appendChild(el('p', 'unavailable: ' + trimmed.error + ' (showing the preview)', 'bug'));
    var pre = el('pre', trimmed.head); parent.appendChild(pre);
    if (trimmed.omittedBytes > 0 && !trimmed.error) {
      parent.appendChild(el('p', '… ' + trimmed.omittedBytes + ' bytes omitted …', 'muted'));
      parent.appendChild(el('pre', trimmed.tail));
    }
    return pre;
  }
  /** @param {number} id */
  function showNode(id) {
    var n = byId[id]; var d = pageEl('details');
    d.textContent = ''; d.setAttribute('data-node-id', String(id));
    if (!n) return;
    d.appendChild(el('h3', n.id === 0 ? 'Root' : 'Node #' + n.id + ' (' + n.operator + ')'));
    if (n.buggy) d.appendChild(el('p', 'Buggy: ' + (n.bugReason || 'no reason recorded'), 'bug'));
    var rows = [
      ['operator', n.operator], ['parents', n.parents.length ? n.parents.map(function (p) { return '#' + p; }).join(', ') : '—'],
      ['validation score', num(n.score)], ['hidden test score', num(n.testScore)],
      ['hidden test grade', !n.testGrade ? '—' : (n.testGrade.validSubmission ? 'valid' : 'invalid: ' + (n.testGrade.reason || 'no reason given')) + ' (graded by ' + n.testGrade.gradedBy + ')'],
      ['created', n.createdAt ? new Date(n.createdAt).toISOString() : '—'],
    ];
    if (n.exec) {
      rows.push(['execution', 'exit ' + num(n.exec.exitCode) + (n.exec.timedOut ? ', timed out' : '') + ', ' + dur(n.exec.durationMs)]);
      rows.push(['isolation', n.exec.isolation || 'not recorded']);
    }
    rows.push(['tokens', n.tokens ? n.tokens.promptTokens + ' prompt + ' + n.tokens.completionTokens + ' completion in ' + n.tokens.calls + ' calls, $' + n.tokens.costUsd.toFixed(4) : '— (offline operators)']);
    if (n.hintIds.length) rows.push(['hints seen', n.hintIds.join(', ')]);
    d.appendChild(table(rows));
    d.appendChild(el('h3', 'Plan')); d.appendChild(el('p', n.plan || '—'));
    var code = section(d, 'Code', n.code); if (code) code.id = 'detail-code';
    section(d, 'stdout', n.stdout);
    section(d, 'stderr', n.stderr);
  }
  cy.on('tap', 'node', function (evt) { showNode(evt.target.data('nodeId')); });
  if (bestId != null) { cy.getElementById('n' + bestId).select(); }

  // Score over time
  var timed = nodes.filter(function (n) { return n.id > 0; }).sort(function (a, b) { return a.createdAt - b.createdAt; });
  var t0 = nodes.length ? /** @type {RunPageNode} */ (nodes[0]).createdAt : 0;
  /** @type {number[]} */ var xs = [];
  /** @type {(number | null)[]} */ var val = [];
  /** @type {(number | null)[]} */ var test = [];
  /** @type {(number | null)[]} */ var bestSoFar = [];
  /** @type {number | null} */ var best = null;
  var maximize = data.direction !== 'minimize';
  timed.forEach(function (n) {
    xs.push((n.createdAt - t0) / 1000);
    val.push(n.buggy ? null : n.score); test.push(n.testScore);
    if (!n.buggy && n.score != null && (best == null || (maximize ? n.score > best : n.score < best))) best = n.score;
    bestSoFar.push(best);
  });
  var chartEl = pageEl('chart');
  if (xs.length && typeof uPlot === 'function') {
    var width = Math.max(320, chartEl.clientWidth || 600);
    var points = function () { return null; };
    new uPlot({
      width: width, height: 260,
      scales: { x: { time: false } },
      axes: [{ label: 'seconds since start' }, { label: s.metric }],
      series: [
        { label: 'time (s)' },
        { label: 'validation', stroke: '#1565c0', paths: points, points: { show: true, size: 7 } },
        { label: 'hidden test', stroke: '#ef6c00', paths: points, points: { show: true, size: 7 } },
        { label: 'best validation so far', stroke: '#2e7d32', width: 2 },
      ],
    }, [xs, val, test, bestSoFar], chartEl);
  } else { chartEl.appendChild(el('p', 'No nodes.', 'muted')); }

  // Budget
  var b = data.budget, sp = s.spend, budget = pageEl('budget');
  var brows = [
    ['time', dur(s.elapsedMs) + ' used' + (b ? ' of ' + dur(b.wallMs) : '')],
    ['steps', s.nodes + ' nodes' + (b ? ' of ' + b.maxSteps : '')],
    ['tokens', (sp.promptTokens + sp.completionTokens) + (b && b.maxTokens != null ? ' of ' + b.maxTokens : '') + ' (' + sp.calls + ' LLM calls)'],
    ['cost', '$' + sp.costUsd.toFixed(4) + (b && b.maxCostUsd != null ? ' of $' + b.maxCostUsd : '') + (sp.unpricedCalls ? ' (' + sp.unpricedCalls + ' unpriced calls)' : '')],
    ['stopped by', s.stopReason + (s.stopNote ? ': ' + s.stopNote : '') + (s.error ? ' (' + s.error + ')' : '')],
  ];
  budget.appendChild(table(brows));
  if (!b) budget.appendChild(el('p', 'The budget limits were not available (no Temporal server answered when this report was written).', 'muted'));

  // Selection
  var sel = s.selection, selEl = pageEl('selection');
  if (s.best) {
    var g = s.best.grade;
    selEl.appendChild(el('p', 'Submitted node #' + s.best.id + ' (' + s.best.operator + ') by ' + sel.strategy + ': validation ' + num(s.best.score) +
      ', hidden test ' + num(g ? g.score : null) + ', ' + (g && g.medal ? g.medal + ' medal' : 'no medal')));
  } else selEl.appendChild(el('p', 'No working solution was found within the budget.', 'bug'));
  if (sel.selections.length) {
    selEl.appendChild(table(sel.selections.map(function (x) {
      return [x.strategy + (x.strategy === sel.strategy ? ' (used)' : ''), '#' + x.nodeId, num(x.validationScore), num(x.rescore), num(x.testScore), x.medal || '—', num(x.gap)];
    }), ['strategy', 'pick', 'validation', 'rescore', 'test', 'medal', 'gap']));
  }
  selEl.appendChild(el('p', sel.oracle ? 'Oracle: node #' + sel.oracle.nodeId + ', test ' + num(sel.oracle.testScore) + (sel.oracle.medal ? ' (' + sel.oracle.medal + ')' : '') +
    '; generalization gap ' + num(sel.gap) : 'No oracle (no node has a hidden test score).'));
  selEl.querySelectorAll('td').forEach(function (td) {
    var m = /^#(\d+)$/.exec(/** @type {string} */ (td.textContent));
    if (m) { var nodeId = Number(m[1]); td.style.cursor = 'pointer'; td.style.textDecoration = 'underline'; td.onclick = function () { showNode(nodeId); }; }
  });
})();

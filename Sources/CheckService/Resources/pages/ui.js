// GET /ui: a proposal (pasted, uploaded, or made from the inventory's nodes of GET /nodes) checked by POST / and
// shown as a grid of node × check item, with each finding's message, expected and actual values and fix on focus or
// hover, a summary line, the catalogue of GET /checks and the fix scripts of POST /fix-script. Plain JavaScript,
// nothing loaded from anywhere but this service.
(function () {
  'use strict';

  const F = window.FCGICheck;
  const el = F.el;
  const t = F.t;
  const EXAMPLE = {
    name: 'c1',
    members: [
      { node_id: 1, name: 'm1', host: '172.16.70.101', port: 5432 },
      { node_id: 2, name: 'm2', host: '172.16.70.102', port: 5432 },
      { node_id: 3, name: 'm3', host: '172.16.70.103', port: 5432 },
    ],
  };
  const SYMBOLS = { pass: '✓', warn: '!', fail: '✗', unknown: '?' };

  let catalogue = [];
  let unchecked = {};
  let inventory = [];
  let inventoryByID = {};
  // The last answer shown: the request that made it (re-sent on a language change and for the fix scripts) and the
  // grid's model, row by row.
  let last = null;
  let activeCell = null;

  function byID(id) { return document.getElementById(id); }

  function fetchJSON(url, options) {
    return fetch(url, options).then(function (response) {
      return response.text().then(function (text) {
        let body = null;
        try { body = JSON.parse(text); } catch (ignored) { body = null; }
        return { status: response.status, ok: response.ok, body: body, text: text };
      });
    });
  }

  function languageHeaders() {
    return { 'Accept-Language': F.language() };
  }

  // The catalogue (GET /checks): the items to choose from, and the table of thresholds in force.
  function loadCatalogue() {
    return fetchJSON('/checks', { headers: languageHeaders() }).then(function (answer) {
      if (!answer.ok || !Array.isArray(answer.body)) throw new Error('GET /checks: HTTP ' + answer.status);
      catalogue = answer.body;
      renderItems();
      renderCatalogue();
    });
  }

  function renderItems() {
    const fieldset = byID('items');
    fieldset.querySelectorAll('label').forEach(function (label) { label.remove(); });
    catalogue.forEach(function (item) {
      fieldset.appendChild(el('label', { class: 'item', title: item.description },
        el('input', { type: 'checkbox', name: 'item', value: item.name, checked: !unchecked[item.name] }),
        ' ', el('code', null, item.name), ' ', el('span', { class: 'muted' }, item.description)));
    });
  }

  function renderCatalogue() {
    const body = byID('catalogue').tBodies[0];
    body.textContent = '';
    catalogue.forEach(function (item) {
      const keys = Object.keys(item.thresholds || {});
      body.appendChild(el('tr', { 'data-item': item.name },
        el('td', null, el('code', null, item.name)),
        el('td', null, item.description),
        el('td', null, keys.length ? el('ul', { class: 'thresholds' }, keys.map(function (key) {
          return el('li', null, el('code', null, key), ' = ', el('code', null, JSON.stringify(item.thresholds[key])));
        })) : t('ui.no_thresholds'))));
    });
  }

  function selectedItems() {
    return Array.prototype.filter.call(byID('items').querySelectorAll('input[name=item]'), function (box) {
      return box.checked;
    }).map(function (box) { return box.value; });
  }

  // The inventory (GET /nodes), to pick nodes from and to name the grid's rows.
  function loadNodes() {
    return fetchJSON('/nodes').then(function (answer) {
      if (!answer.ok || !Array.isArray(answer.body)) {
        byID('nodes-status').textContent = 'GET /nodes: HTTP ' + answer.status;
        return;
      }
      inventory = answer.body;
      inventoryByID = {};
      inventory.forEach(function (node) { inventoryByID[node.id] = node; });
      renderNodes();
    });
  }

  function age(seconds) {
    if (seconds === null || seconds === undefined) return t('ui.never');
    if (seconds < 0) return t('ui.age_future');
    if (seconds < 120) return t('ui.age_seconds', [seconds]);
    if (seconds < 7200) return t('ui.age_minutes', [Math.floor(seconds / 60)]);
    if (seconds < 172800) return t('ui.age_hours', [Math.floor(seconds / 3600)]);
    return t('ui.age_days', [Math.floor(seconds / 86400)]);
  }

  function renderNodes() {
    const body = byID('nodes').tBodies[0];
    const chosen = {};
    body.querySelectorAll('input[data-node-id]').forEach(function (box) { if (box.checked) chosen[box.value] = true; });
    body.textContent = '';
    byID('nodes-status').textContent = inventory.length ? '' : t('ui.inventory_empty');
    const fragment = document.createDocumentFragment();
    inventory.forEach(function (node) {
      const label = t('ui.select') + ' ' + node.id + ' ' + node.name;
      fragment.appendChild(el('tr', null,
        el('td', null, el('input', {
          type: 'checkbox', value: String(node.id), 'data-node-id': String(node.id), 'aria-label': label,
          checked: !!chosen[String(node.id)],
        })),
        el('td', null, String(node.id)),
        el('td', null, node.name),
        el('td', null, node.host),
        el('td', { title: node.facts_collected_at || '' }, age(node.facts_age_seconds))));
    });
    body.appendChild(fragment);
  }

  function useSelectedNodes() {
    const ids = Array.prototype.filter.call(byID('nodes').querySelectorAll('input[data-node-id]'), function (box) {
      return box.checked;
    }).map(function (box) { return box.value; });
    if (!ids.length) {
      byID('nodes-status').textContent = t('ui.no_nodes_selected');
      return;
    }
    const port = parseInt(byID('member-port').value, 10) || 5432;
    const proposal = {
      name: byID('cluster-name').value || 'c1',
      members: ids.map(function (id) {
        const node = inventoryByID[id];
        return { node_id: node.id, name: node.name, host: node.host, port: port };
      }),
    };
    byID('proposal').value = JSON.stringify(proposal, null, 2);
    byID('nodes-status').textContent = '';
    byID('proposal').focus();
  }

  function showError(lines) {
    const box = byID('error');
    box.textContent = '';
    box.appendChild(el('strong', null, t('ui.error')));
    box.appendChild(el('ul', null, lines.map(function (line) { return el('li', null, line); })));
    box.hidden = false;
  }

  // An answer that is not a result: FastAPI's {"detail": [...]} (every error with where it is) or {"detail": "..."}.
  function refusalLines(answer) {
    const detail = answer.body && answer.body.detail;
    if (Array.isArray(detail)) {
      return detail.map(function (entry) { return (entry.loc || []).join('.') + ': ' + entry.msg; });
    }
    if (typeof detail === 'string') return ['HTTP ' + answer.status + ': ' + detail];
    return ['HTTP ' + answer.status + ': ' + answer.text.slice(0, 500)];
  }

  function clearResult() {
    byID('error').hidden = true;
    byID('summary').textContent = '';
    byID('summary').removeAttribute('data-render-ms');
    byID('summary').removeAttribute('data-cells');
    byID('grid').textContent = '';
    ['grid', 'legend', 'grid-help', 'detail', 'result-tools'].forEach(function (id) { byID(id).hidden = true; });
    activeCell = null;
    last = null;
  }

  function runCheck() {
    const started = performance.now();
    const text = byID('proposal').value;
    let proposal;
    try {
      proposal = JSON.parse(text);
    } catch (error) {
      clearResult();
      showError([t('ui.invalid_json', [error.message])]);
      return Promise.resolve();
    }
    const items = selectedItems();
    const query = items.length === catalogue.length && catalogue.length ? ''
      : '?checks=' + encodeURIComponent(items.join(','));
    const request = {
      query: query,
      body: text,
      headers: Object.assign({ 'Content-Type': 'application/json' }, languageHeaders()),
    };
    const button = byID('run');
    button.disabled = true;
    byID('summary').removeAttribute('data-render-ms');
    byID('summary').textContent = t('ui.running');
    return fetchJSON('/' + query, { method: 'POST', headers: request.headers, body: request.body })
      .then(function (answer) {
        clearResult();
        if (answer.status !== 200 || !Array.isArray(answer.body)) {
          showError(refusalLines(answer));
          return;
        }
        last = { request: request, model: model(proposal, answer.body) };
        renderGrid(last.model);
        // Painted: the next frame after the grid is in the document.
        return new Promise(function (resolve) { window.requestAnimationFrame(function () { resolve(); }); })
          .then(function () { showSummary(last.model, performance.now() - started); });
      })
      .catch(function (error) {
        clearResult();
        showError([t('common.error_network', [error.message])]);
      })
      .finally(function () { button.disabled = false; });
  }

  // Rows: the members' nodes in order of first appearance (as the service checks them); columns: the items answered.
  function model(proposal, results) {
    const nodeIDs = [];
    const seen = {};
    const memberOf = {};
    (Array.isArray(proposal.members) ? proposal.members : []).forEach(function (member) {
      const id = Number(member.node_id);
      if (!seen[id]) {
        seen[id] = true;
        nodeIDs.push(id);
        memberOf[id] = member;
      }
    });
    const columns = results.map(function (result) {
      const byNode = {};
      result.not_success_nodes.forEach(function (finding) {
        (byNode[finding.node_id] = byNode[finding.node_id] || []).push(finding);
      });
      return { name: result.name, description: result.description, byNode: byNode };
    });
    const counts = { pass: 0, warn: 0, fail: 0, unknown: 0 };
    const rows = nodeIDs.map(function (id) {
      const node = inventoryByID[id];
      const member = memberOf[id];
      const cells = columns.map(function (column) {
        const findings = column.byNode[id] || [];
        const level = findings.reduce(function (worst, finding) {
          return rank(levelOf(finding)) > rank(worst) ? levelOf(finding) : worst;
        }, 'pass');
        counts[level] += 1;
        return { level: level, findings: findings };
      });
      return {
        id: id,
        name: node ? node.name : String(member.name),
        host: node ? node.host : String(member.host),
        cells: cells,
      };
    });
    return { rows: rows, columns: columns, counts: counts };
  }

  // A failure whose actual value is null is a fact the service could not know: it never passes, and says so.
  function levelOf(finding) {
    const level = finding.level || 'fail';
    if (level === 'fail' && Object.prototype.hasOwnProperty.call(finding, 'actual') && finding.actual === null) {
      return 'unknown';
    }
    return level;
  }

  function rank(level) {
    return { pass: 0, warn: 1, unknown: 2, fail: 3 }[level];
  }

  function levelText(level) {
    switch (level) {
      case 'pass': return t('ui.level_pass');
      case 'warn': return t('ui.level_warn');
      case 'fail': return t('ui.level_fail');
      default: return t('ui.level_unknown');
    }
  }

  function renderGrid(data) {
    const grid = byID('grid');
    grid.textContent = '';
    const head = el('tr', null, el('th', { scope: 'col', class: 'corner' }, t('ui.node')));
    data.columns.forEach(function (column) {
      head.appendChild(el('th', { scope: 'col', class: 'item-head', 'data-item': column.name, title: column.description },
        el('span', null, column.name.replace(/^check_/, ''))));
    });
    grid.appendChild(el('thead', null, head));
    const body = document.createElement('tbody');
    // Each cell is a symbol and a word, in its level's colour: never the colour alone.
    const templates = {};
    Object.keys(SYMBOLS).forEach(function (level) {
      templates[level] = el('td', { class: 'cell cell-' + level },
        el('span', { class: 'symbol', 'aria-hidden': 'true' }, SYMBOLS[level]), el('span', { class: 'word' }, levelText(level)));
    });
    data.rows.forEach(function (row) {
      const line = el('tr', { 'data-node': String(row.id) },
        el('th', { scope: 'row', class: 'node-head' }, el('span', { class: 'node-id' }, '#' + row.id), ' ', row.name,
          el('span', { class: 'node-host' }, row.host)));
      row.cells.forEach(function (cell) { line.appendChild(templates[cell.level].cloneNode(true)); });
      body.appendChild(line);
    });
    grid.appendChild(body);
    grid.hidden = false;
    ['legend', 'grid-help', 'detail', 'result-tools'].forEach(function (id) { byID(id).hidden = false; });
    resetDetail();
    const first = body.rows.length && body.rows[0].cells.length > 1 ? body.rows[0].cells[1] : null;
    if (first) {
      first.tabIndex = 0;
      activeCell = first;
    }
  }

  function showSummary(data, milliseconds) {
    const counts = data.counts;
    const summary = byID('summary');
    summary.textContent = t('ui.summary', [data.rows.length, data.columns.length, counts.pass, counts.warn,
      counts.fail, counts.unknown]) + ' · ' + t('ui.render_time', [Math.round(milliseconds)]);
    summary.setAttribute('data-render-ms', String(Math.round(milliseconds)));
    summary.setAttribute('data-cells', String(data.rows.length * data.columns.length));
  }

  function cellAt(cell) {
    const row = cell.parentNode;
    const rowIndex = row.sectionRowIndex;
    const columnIndex = cell.cellIndex - 1;
    if (!last || columnIndex < 0 || row.parentNode.tagName !== 'TBODY') return null;
    const data = last.model;
    return { row: data.rows[rowIndex], column: data.columns[columnIndex], cell: data.rows[rowIndex].cells[columnIndex] };
  }

  function resetDetail() {
    const body = byID('detail-body');
    body.textContent = '';
    body.appendChild(el('p', { class: 'muted' }, t('ui.detail_empty')));
    byID('detail-fix-row').hidden = true;
  }

  function showDetail(target) {
    const found = cellAt(target);
    if (!found) return;
    const body = byID('detail-body');
    body.textContent = '';
    const level = found.cell.level;
    body.appendChild(el('p', { class: 'detail-title' },
      el('span', { class: 'cell cell-' + level, 'aria-hidden': 'true' }, SYMBOLS[level]), ' ',
      el('strong', null, levelText(level)), ' · #' + found.row.id + ' ' + found.row.name + ' (' + found.row.host + ') · ',
      el('code', null, found.column.name)));
    let fix = null;
    if (!found.cell.findings.length) {
      body.appendChild(el('p', null, t('ui.detail_pass', [found.row.host, found.column.description])));
    }
    found.cell.findings.forEach(function (finding) {
      body.appendChild(el('p', { class: 'detail-message' }, finding.message));
      if ('expected' in finding || 'actual' in finding) {
        body.appendChild(el('p', { class: 'muted' },
          t('ui.expected') + ': ', el('code', null, finding.expected === null ? '-' : String(finding.expected)), ' · ',
          t('ui.actual') + ': ',
          el('code', null, finding.actual === null ? t('ui.unknown_value') : String(finding.actual))));
      }
      if (finding.fix) fix = finding.fix;
      else if ('fix' in finding) body.appendChild(el('p', { class: 'muted' }, t('ui.no_fix')));
    });
    const fixRow = byID('detail-fix-row');
    if (fix) {
      byID('detail-fix').textContent = fix;
      byID('copy-status').textContent = '';
      fixRow.hidden = false;
      if (found.column.name === 'check_facts_freshness') {
        body.appendChild(el('p', { class: 'muted' }, t('ui.fix') + ': ' + t('ui.fix_where_inventory')));
      }
    } else {
      fixRow.hidden = true;
    }
  }

  function activate(cell) {
    if (activeCell && activeCell !== cell) activeCell.removeAttribute('tabindex');
    cell.tabIndex = 0;
    activeCell = cell;
    cell.focus();
  }

  // Arrow keys, Home/End, Page Up/Down move between cells (one tab stop for the whole grid); Enter goes to the copy
  // button when the cell has a fix.
  function onGridKey(event) {
    const cell = event.target.closest('td');
    if (!cell) return;
    const row = cell.parentNode;
    const rows = row.parentNode.rows;
    let rowIndex = row.sectionRowIndex;
    let column = cell.cellIndex;
    const lastColumn = row.cells.length - 1;
    switch (event.key) {
      case 'ArrowRight': column = Math.min(lastColumn, column + 1); break;
      case 'ArrowLeft': column = Math.max(1, column - 1); break;
      case 'ArrowDown': rowIndex = Math.min(rows.length - 1, rowIndex + 1); break;
      case 'ArrowUp': rowIndex = Math.max(0, rowIndex - 1); break;
      case 'PageDown': rowIndex = Math.min(rows.length - 1, rowIndex + 10); break;
      case 'PageUp': rowIndex = Math.max(0, rowIndex - 10); break;
      case 'Home':
        column = 1;
        if (event.ctrlKey) rowIndex = 0;
        break;
      case 'End':
        column = lastColumn;
        if (event.ctrlKey) rowIndex = rows.length - 1;
        break;
      case 'Enter':
        if (!byID('detail-fix-row').hidden) byID('copy-fix').focus();
        event.preventDefault();
        return;
      default: return;
    }
    event.preventDefault();
    activate(rows[rowIndex].cells[column]);
  }

  function copyFix() {
    const text = byID('detail-fix').textContent;
    const status = byID('copy-status');
    const done = function () { status.textContent = t('ui.copied'); };
    const fallback = function () {
      const field = el('textarea', { class: 'offscreen', readonly: true });
      field.value = text;
      document.body.appendChild(field);
      field.select();
      let copied = false;
      try { copied = document.execCommand('copy'); } catch (ignored) { copied = false; }
      field.remove();
      status.textContent = copied ? t('ui.copied') : t('ui.copy_failed');
    };
    if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(text).then(done, fallback);
    else fallback();
  }

  // The fix scripts of the answer shown: the same request sent to POST /fix-script, saved as a file.
  function downloadFixScript(event) {
    event.preventDefault();
    if (!last) return;
    const request = last.request;
    fetch('/fix-script' + request.query, { method: 'POST', headers: request.headers, body: request.body })
      .then(function (response) {
        if (!response.ok) {
          return response.text().then(function (text) { throw new Error('HTTP ' + response.status + ' ' + text); });
        }
        return response.blob();
      })
      .then(function (blob) {
        const url = URL.createObjectURL(blob);
        const link = el('a', { href: url, download: 'fcgi-check-fix-scripts.sh', class: 'offscreen' });
        document.body.appendChild(link);
        link.click();
        window.setTimeout(function () {
          URL.revokeObjectURL(url);
          link.remove();
        }, 10000);
      })
      .catch(function (error) { showError([t('ui.fix_script_failed', [error.message])]); });
  }

  function wire() {
    byID('proposal').value = JSON.stringify(EXAMPLE, null, 2);
    byID('example').addEventListener('click', function () {
      byID('proposal').value = JSON.stringify(EXAMPLE, null, 2);
    });
    byID('proposal-file').addEventListener('change', function (event) {
      const file = event.target.files && event.target.files[0];
      if (!file) return;
      file.text().then(function (text) { byID('proposal').value = text; });
    });
    byID('select-all-nodes').addEventListener('change', function (event) {
      byID('nodes').querySelectorAll('input[data-node-id]').forEach(function (box) {
        box.checked = event.target.checked;
      });
    });
    byID('use-nodes').addEventListener('click', useSelectedNodes);
    byID('items-all').addEventListener('click', function () {
      unchecked = {};
      renderItems();
    });
    byID('items-none').addEventListener('click', function () {
      catalogue.forEach(function (item) { unchecked[item.name] = true; });
      renderItems();
    });
    byID('items').addEventListener('change', function (event) {
      if (event.target.name === 'item') unchecked[event.target.value] = !event.target.checked;
    });
    byID('run').addEventListener('click', runCheck);
    const grid = byID('grid');
    grid.addEventListener('focusin', function (event) {
      const cell = event.target.closest('td');
      if (cell) showDetail(cell);
    });
    // Hovering shows a cell's details too, but the keyboard wins: once it moves the focus, cells passing under a
    // resting pointer (the grid scrolled to the focused cell, or the browser repeating a mouseover) change nothing
    // until the pointer itself moves. Leaving the grid returns the details to the cell that has focus.
    let hovered = null;
    let pointer = null;
    let keyboardMode = false;
    let parkedAt = null;
    grid.addEventListener('keydown', function () {
      keyboardMode = true;
      parkedAt = pointer;
    });
    grid.addEventListener('mousemove', function (event) {
      pointer = event.screenX + ',' + event.screenY;
      if (!keyboardMode || pointer === parkedAt) return;
      keyboardMode = false;
      const cell = event.target.closest('td');
      if (cell) {
        hovered = cell;
        showDetail(cell);
      }
    });
    grid.addEventListener('mouseover', function (event) {
      const cell = event.target.closest('td');
      if (!cell || cell === hovered || keyboardMode) return;
      hovered = cell;
      showDetail(cell);
    });
    grid.addEventListener('mouseleave', function () {
      hovered = null;
      if (activeCell && document.activeElement === activeCell) showDetail(activeCell);
    });
    grid.addEventListener('click', function (event) {
      const cell = event.target.closest('td');
      if (cell) activate(cell);
    });
    grid.addEventListener('keydown', onGridKey);
    byID('copy-fix').addEventListener('click', copyFix);
    byID('fix-script').addEventListener('click', downloadFixScript);
    F.onLanguageChange(function () {
      renderNodes();
      loadCatalogue().then(function () { if (last) return runCheck(); })
        .catch(function (error) { showError([error.message]); });
    });
  }

  F.ready.then(function () {
    wire();
    return Promise.all([loadCatalogue(), loadNodes()]);
  }).catch(function (error) { showError([t('common.error_network', [error.message])]); });
})();

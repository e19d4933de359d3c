// The inspector's page: the list of exchanges kept live by server-sent events, filters, a request's detail, and
// replay (as recorded, or edited) with the new response beside the original one.
import { bodyElement } from './body.js';

const $ = id => document.getElementById(id);
const exchanges = new Map();
let selected = null;
let renderQueued = false;

function filters() {
  return {
    tunnel: $('filter-tunnel').value,
    method: $('filter-method').value,
    status: $('filter-status').value.trim(),
    q: $('filter-text').value.trim().toLowerCase(),
  };
}

// The same rules as the API's filter, so that live updates are narrowed the way the list was.
function matches(e, f) {
  if (f.tunnel && e.tunnel !== f.tunnel) return false;
  if (f.method && e.method.toUpperCase() !== f.method) return false;
  if (f.q && !e.path.toLowerCase().includes(f.q)) return false;
  if (!f.status) return true;
  if (f.status === 'pending') return e.status === null;
  if (/^[1-5]xx$/i.test(f.status)) return e.status !== null && Math.floor(e.status / 100) === Number(f.status[0]);
  return e.status === Number(f.status);
}

async function api(path, options = {}) {
  const response = await fetch(path, options);
  const body = response.status === 204 ? null : await response.json();
  if (!response.ok) throw new Error(body && body.detail ? body.detail : `HTTP ${response.status}`);
  return body;
}

async function reload() {
  const f = filters();
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(f)) if (v) params.set(k, v);
  params.set('limit', '100000');
  let list;
  try {
    list = await api('/api/requests?' + params);
  } catch (e) {
    return; // a filter being typed (such as status "4") is not valid yet
  }
  exchanges.clear();
  for (const e of list.requests) exchanges.set(e.id, e);
  queueRender();
}

function queueRender() {
  if (renderQueued) return;
  renderQueued = true;
  requestAnimationFrame(() => {
    renderQueued = false;
    renderList();
  });
}

function cell(text, className) {
  const td = document.createElement('td');
  td.textContent = text;
  if (className) td.className = className;
  return td;
}

function renderList() {
  const f = filters();
  const rows = [...exchanges.values()].filter(e => matches(e, f)).sort((a, b) => b.id - a.id);
  const tunnels = new Set([...exchanges.values()].map(e => e.tunnel));
  const select = $('filter-tunnel');
  for (const name of tunnels) {
    if (![...select.options].some(o => o.value === name)) select.add(new Option(name, name));
  }
  const body = document.querySelector('#list tbody');
  body.replaceChildren(...rows.map(e => {
    const tr = document.createElement('tr');
    tr.dataset.id = e.id;
    if (e.id === selected) tr.classList.add('selected');
    const time = new Date(e.startedAt).toLocaleTimeString();
    const status = e.status === null ? (e.state === 'incomplete' ? '—' : '…') : String(e.status);
    tr.append(cell(e.id, e.replayOf ? 'replayed' : ''), cell(time), cell(e.tunnel), cell(e.method),
      cell(e.path, 'path'), cell(status, e.status === null ? 'pending status' : 'status s' + Math.floor(e.status / 100)),
      cell(e.durationMs === null ? '' : e.durationMs.toFixed(1)),
      cell(e.responseBytes === null ? '' : String(e.responseBytes)));
    tr.addEventListener('click', () => choose(e.id));
    return tr;
  }));
  $('empty').hidden = rows.length > 0;
}

function headersTable(headers) {
  const table = document.createElement('table');
  table.className = 'headers';
  for (const [name, value] of headers) {
    const tr = document.createElement('tr');
    tr.append(cell(name), cell(value));
    table.append(tr);
  }
  return table;
}

function messageElement(message, prefix) {
  const wrap = document.createElement('div');
  if (!message) {
    wrap.textContent = 'no response yet';
    wrap.className = 'hint';
    return wrap;
  }
  const line = document.createElement('div');
  line.className = 'startline';
  line.textContent = message.method !== undefined
    ? `${message.method} ${message.target} ${message.version}`
    : `${message.version} ${message.status} ${message.reason}`;
  wrap.append(line, headersTable(message.headers), bodyElement(message.body, prefix + '-body'));
  return wrap;
}

let current = null;
/** The recorded body (base64) of the request being edited when it is not text; null for text. */
let binaryBody = null;

async function choose(id) {
  selected = id;
  queueRender();
  $('compare').hidden = true;
  $('edit-form').hidden = true;
  $('replay-error').hidden = true;
  await showDetail(id);
}

async function showDetail(id) {
  let detail;
  try {
    detail = await api('/api/requests/' + id);
  } catch (e) {
    $('detail').hidden = false;
    $('detail-title').textContent = `#${id}`;
    $('detail-meta').textContent = e.message;
    return;
  }
  current = detail;
  $('detail').hidden = false;
  $('detail-title').textContent = `#${detail.id} ${detail.method} ${detail.path}`;
  const t = detail.timings;
  const meta = [`tunnel ${detail.tunnel}`, `from ${detail.peer}`, new Date(detail.startedAt).toLocaleString(),
    detail.state];
  if (t.totalMs !== null) meta.push(`${t.totalMs.toFixed(1)} ms (first byte ${t.firstByteMs.toFixed(1)} ms)`);
  if (detail.replayOf) meta.push(`replay of #${detail.replayOf}`);
  if (detail.note) meta.push(detail.note);
  $('detail-meta').textContent = meta.join(' · ');
  $('request').replaceChildren(messageElement(detail.request, 'request'));
  $('response').replaceChildren(messageElement(detail.response, 'response'));
}

async function replay(edit) {
  if (!current) return;
  const original = current;
  $('replay-error').hidden = true;
  let result;
  try {
    result = await api(`/api/requests/${original.id}/replay`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(edit || {}),
    });
  } catch (e) {
    $('replay-error').textContent = 'Replay failed: ' + e.message;
    $('replay-error').hidden = false;
    return;
  }
  $('compare-original').replaceChildren(messageElement(original.response, 'original'));
  $('compare-replay').replaceChildren(messageElement(result.response, 'replay'));
  const link = $('compare-link');
  link.textContent = `#${result.id}`;
  link.onclick = event => {
    event.preventDefault();
    choose(result.id);
  };
  $('compare').hidden = false;
  $('edit-form').hidden = true;
}

function openEditor() {
  if (!current) return;
  const request = current.request;
  $('edit-method').value = request.method;
  $('edit-path').value = request.target;
  $('edit-headers').value = request.headers
    .filter(([name]) => !/^(content-length|transfer-encoding|connection)$/i.test(name))
    .map(([name, value]) => `${name}: ${value}`).join('\n');
  // A binary body is sent back as the bytes recorded; text can be edited. A truncated one must be written anew.
  binaryBody = null;
  let body = '';
  if (request.body && !request.body.truncated) {
    const bytes = Uint8Array.from(atob(request.body.base64), c => c.charCodeAt(0));
    try {
      body = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch (e) {
      binaryBody = request.body.base64;
    }
  }
  $('edit-body').value = binaryBody === null ? body : '(binary body: sent as recorded)';
  $('edit-body').disabled = binaryBody !== null;
  $('edit-form').hidden = false;
}

function sendEdit(event) {
  event.preventDefault();
  const headers = $('edit-headers').value.split('\n').map(line => line.trim()).filter(Boolean).map(line => {
    const colon = line.indexOf(':');
    return colon < 0 ? [line, ''] : [line.slice(0, colon).trim(), line.slice(colon + 1).trim()];
  });
  const edit = { method: $('edit-method').value.trim(), path: $('edit-path').value.trim(), headers };
  if (binaryBody === null) edit.body = $('edit-body').value;
  else edit.bodyBase64 = binaryBody;
  replay(edit);
}

function connect() {
  const events = new EventSource('/api/events');
  events.addEventListener('open', () => {
    $('live').textContent = 'live';
    $('live').classList.remove('off');
    reload();
  });
  events.addEventListener('error', () => {
    $('live').textContent = 'reconnecting';
    $('live').classList.add('off');
  });
  events.addEventListener('request', message => {
    const e = JSON.parse(message.data);
    exchanges.set(e.id, e);
    queueRender();
    if (e.id === selected && current && current.state !== e.state) showDetail(e.id);
  });
  events.addEventListener('reset', () => reload());
}

for (const id of ['filter-tunnel', 'filter-method']) $(id).addEventListener('change', () => reload());
for (const id of ['filter-status', 'filter-text']) $(id).addEventListener('input', () => reload());
$('filters').addEventListener('submit', event => event.preventDefault());
$('replay').addEventListener('click', () => replay(null));
$('edit').addEventListener('click', openEditor);
$('edit-form').addEventListener('submit', sendEdit);
$('edit-cancel').addEventListener('click', () => { $('edit-form').hidden = true; });
$('clear').addEventListener('click', async () => {
  await api('/api/requests', { method: 'DELETE', headers: { 'Content-Type': 'application/json' } });
  selected = null;
  $('detail').hidden = true;
  reload();
});
connect();

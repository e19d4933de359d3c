import { h, replace, field, showProblem, clearProblems, bytes, time } from './dom.js';
import { api } from './api.js';
import { listView, fromApi, fromRows } from './table.js';

// An API key returned with a new user, shown on the user's page the route change opens; in memory only.
let pendingKey = null;

/** A secret the API returns once (client token, API key): shown until the operator dismisses it, never again. */
export function oneTime(label, secret) {
  const box = h('div', { class: 'secret', id: 'one-time-secret', role: 'status' },
    h('strong', {}, `${label}: shown once, copy it now`),
    h('code', { id: 'one-time-value' }, secret),
    h('button', { type: 'button', class: 'secondary', onclick: () => box.remove() }, 'Done, hide it'));
  return box;
}

export async function users(main, { me, args }) {
  if (args[0]) return user(main, me, args[0]);
  const result = h('div');
  const parts = [h('h1', {}, 'Users')];
  if (me.role === 'admin') {
    const name = h('input', { type: 'text', required: true, autocomplete: 'off' });
    const role = h('select', {}, h('option', { value: '' }, 'no API key'), h('option', { value: 'user' }, 'user key'),
      h('option', { value: 'admin' }, 'admin key'));
    const form = h('form', { id: 'user-form', class: 'grid', novalidate: true },
      field('user-form', 'name', 'New user name', name),
      field('user-form', 'apiKeyRole', 'Also issue', role),
      h('p', { class: 'form-error', role: 'alert' }),
      h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Create user')));
    form.addEventListener('submit', async event => {
      event.preventDefault();
      clearProblems(form);
      try {
        const created = await api('POST', '/api/v1/users', { name: name.value, apiKeyRole: role.value || null });
        pendingKey = created.apiKey ? created.apiKey.key : null;
        location.hash = `#/users/${created.user.id}`;
      } catch (error) {
        showProblem(form, error);
      }
    });
    parts.push(form, h('h2', {}, 'All users'));
  }
  const list = listView({
    id: 'users-table', label: 'users', load: fromApi('/api/v1/users'),
    columns: [
      { key: 'id', label: 'Id' },
      { key: 'name', label: 'Name', render: u => h('a', { href: `#/users/${u.id}` }, u.name) },
      { key: 'status', label: 'Status' },
      { key: 'planId', label: 'Plan', sortable: false, render: u => u.planId === null ? 'default' : String(u.planId) },
      { key: 'created', label: 'Created', render: u => time(u.created), wide: true },
      { key: 'expiresAt', label: 'Expires', sortable: false, render: u => time(u.expiresAt), wide: true },
    ],
  });
  replace(main, ...parts, result, list);
  await list.ready;
}

async function user(main, me, id) {
  const [u, usage, tokens] = await Promise.all([
    api('GET', `/api/v1/users/${id}`), api('GET', `/api/v1/users/${id}/usage`), api('GET', `/api/v1/users/${id}/tokens`)]);
  const secretSlot = h('div');
  if (pendingKey) {
    secretSlot.append(oneTime('API key', pendingKey));
    pendingKey = null;
  }
  const notice = h('p', { class: 'form-error', role: 'alert', id: 'user-error' });
  const issue = h('button', { type: 'button', id: 'issue-token', onclick: async () => {
    try {
      const issued = await api('POST', `/api/v1/users/${id}/tokens`);
      await user(main, me, id);
      main.querySelector('#token-slot').append(oneTime('Client token', issued.token));
    } catch (error) {
      notice.textContent = error.detail;
    }
  } }, 'Issue client token');
  const status = h('select', {}, ['active', 'suspended', 'disabled'].map(s => h('option', { value: s, selected: s === u.status }, s)));
  const statusForm = h('form', { id: 'status-form', class: 'grid', novalidate: true },
    field('status-form', 'status', 'Status', status),
    h('p', { class: 'form-error', role: 'alert' }),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Save status')));
  statusForm.addEventListener('submit', async event => {
    event.preventDefault();
    try {
      await api('PATCH', `/api/v1/users/${id}`, { status: status.value });
      await user(main, me, id);
    } catch (error) {
      showProblem(statusForm, error);
    }
  });
  const tokenList = tokenView(main, me, id, tokens, notice);
  replace(main,
    h('p', {}, h('a', { href: '#/users' }, '← Users')),
    h('h1', {}, `User ${u.name}`),
    secretSlot,
    h('p', {}, `Status ${u.status}; plan ${usage.plan ? usage.plan.name : 'none'}; created ${time(u.created)}`),
    me.role === 'admin' ? statusForm : null,
    h('h2', {}, 'Usage this period'),
    h('label', { for: 'usage-meter' }, `${bytes(usage.used)} of ${usage.allowance === null ? 'unlimited' : bytes(usage.allowance)}`
      + ` (${usage.state}), until ${time(usage.period.end)}`),
    h('meter', { id: 'usage-meter', min: 0, max: 1, low: 0.8, high: 0.99, value: Math.min(1, usage.share) }),
    h('h2', {}, 'Client tokens'),
    notice,
    h('div', { class: 'actions' }, issue),
    h('div', { id: 'token-slot' }),
    tokenList);
  await tokenList.ready;
}

function tokenView(main, me, id, tokens, notice) {
  const columns = [
    { key: 'id', label: 'Id' },
    { key: 'prefix', label: 'Prefix' },
    { key: 'created', label: 'Created', render: t => time(t.created), wide: true },
    { key: 'lastUsed', label: 'Last used', render: t => time(t.lastUsed) },
    { key: 'revoked', label: 'Revoked', render: t => t.revoked ? time(t.revoked) : h('button', {
      type: 'button', class: 'danger', 'data-token': t.id, 'aria-label': `Revoke token ${t.prefix}`,
      onclick: async () => {
        try {
          await api('DELETE', `/api/v1/tokens/${t.id}`);
          await user(main, me, id);
        } catch (error) {
          notice.textContent = error.detail;
        }
      },
    }, 'Revoke') },
  ];
  return listView({ id: 'tokens-table', label: 'client tokens', columns, load: fromRows(tokens, columns) });
}

import { h, replace, field, showProblem, clearProblems, bytes, time } from './dom.js';
import { api, liveEvents } from './api.js';
import { listView, fromApi } from './table.js';
import { bars } from './chart.js';

// What the API answered when this page created a tunnel: pushed, or pending with the reason; by tunnel id.
const pushes = new Map();

function list(value) {
  const items = value.split(',').map(s => s.trim()).filter(Boolean);
  return items.length ? items : null;
}

/** A port as a number when it is one; anything else goes as typed, so the API names the field in its answer. */
function port(value) {
  const text = value.trim();
  if (!text) return null;
  return /^\d+$/.test(text) ? Number(text) : text;
}

function tunnelForm(me, tunnel, done) {
  const f = 'tunnel-form';
  const v = tunnel || {};
  const inputs = {
    name: h('input', { type: 'text', required: true, value: v.name || '', autocomplete: 'off' }),
    type: h('select', {}, ['http', 'tcp', 'udp'].map(t => h('option', { value: t, selected: v.type === t }, t))),
    remotePort: h('input', { type: 'text', inputmode: 'numeric', value: v.remotePort ?? '' }),
    subdomain: h('input', { type: 'text', value: v.subdomain || '' }),
    customDomains: h('input', { type: 'text', value: (v.customDomains || []).join(', ') }),
    locations: h('input', { type: 'text', value: (v.locations || []).join(', ') }),
    localTarget: h('input', { type: 'text', value: v.localTarget || '', placeholder: '127.0.0.1:8080' }),
    enabled: h('input', { type: 'checkbox', checked: tunnel ? v.enabled : true }),
  };
  const owner = h('input', { type: 'text', inputmode: 'numeric', value: '' });
  const form = h('form', { id: f, class: 'grid', novalidate: true },
    field(f, 'name', 'Name', inputs.name),
    field(f, 'type', 'Type', inputs.type),
    field(f, 'remotePort', 'Public port (tcp, udp)', inputs.remotePort),
    field(f, 'subdomain', 'Subdomain (http)', inputs.subdomain),
    field(f, 'customDomains', 'Custom domains (http, comma separated)', inputs.customDomains),
    field(f, 'locations', 'Path prefixes (http, comma separated)', inputs.locations),
    field(f, 'localTarget', 'Local target on the client', inputs.localTarget),
    !tunnel && me.role === 'admin' ? field(f, 'ownerId', 'Owner user id (empty: you)', owner) : null,
    field(f, 'enabled', 'Enabled', inputs.enabled),
    h('p', { class: 'form-error', role: 'alert' }),
    h('div', { class: 'actions' },
      h('button', { type: 'submit' }, tunnel ? 'Save tunnel' : 'Create tunnel'),
      tunnel ? h('button', { type: 'button', class: 'secondary', onclick: () => done(null) }, 'Cancel') : null));
  form.addEventListener('submit', async event => {
    event.preventDefault();
    clearProblems(form);
    const body = {
      name: inputs.name.value.trim(), type: inputs.type.value, remotePort: port(inputs.remotePort.value),
      subdomain: inputs.subdomain.value.trim() || null, customDomains: list(inputs.customDomains.value),
      locations: list(inputs.locations.value), localTarget: inputs.localTarget.value.trim() || null,
      enabled: inputs.enabled.checked,
    };
    if (!tunnel && owner.value.trim()) body.ownerId = port(owner.value);
    try {
      if (tunnel) {
        await api('PATCH', `/api/v1/tunnels/${tunnel.id}`, body);
        done(null);
      } else {
        const created = await api('POST', '/api/v1/tunnels', body);
        pushes.set(created.tunnel.id, created.push);
        done(created);
      }
    } catch (error) {
      showProblem(form, error);
    }
  });
  return form;
}

function state(tunnel, up) {
  if (up.has(`${tunnel.ownerId}/${tunnel.name}`)) return { name: 'up', text: 'up (pushed)' };
  const push = pushes.get(tunnel.id);
  if (push && push.status === 'pending') return { name: 'pending', text: `pending: ${push.reason}` };
  return { name: 'down', text: tunnel.enabled ? 'down' : 'disabled' };
}

async function traffic(slot, tunnel) {
  const series = await api('GET', `/api/v1/tunnels/${tunnel.id}/traffic?hours=24`);
  replace(slot, h('section', { id: 'traffic', 'aria-label': `Traffic of ${tunnel.name}` },
    h('h2', {}, `Traffic of ${tunnel.name}, last 24 hours `, h('span', { class: 'legend-in' }, '■ in'), ' ',
      h('span', { class: 'legend-out' }, '■ out')),
    h('p', {}, `${bytes(series.bytesIn)} in, ${bytes(series.bytesOut)} out, ${series.connections} connections`),
    bars(`Hourly bytes in and out of ${tunnel.name}`, series.hours)));
}

export async function tunnels(main, { me }) {
  const formSlot = h('div');
  const status = h('p', { id: 'tunnel-push-status', role: 'status' });
  const listSlot = h('div');
  const trafficSlot = h('div');
  const notice = h('p', { class: 'form-error', role: 'alert', id: 'tunnels-error' });
  replace(main, h('h1', {}, 'Tunnels'), notice, listSlot, trafficSlot, h('h2', {}, 'New or edited tunnel'), formSlot, status);

  function showCreate() {
    replace(formSlot, tunnelForm(me, null, created => {
      status.textContent = created.push.status === 'pushed' ? `${created.tunnel.name}: pushed to a connected client`
        : `${created.tunnel.name}: pending: ${created.push.reason}`;
      showCreate();
      load();
    }));
  }

  const page = fromApi('/api/v1/tunnels');
  let up = new Set();
  const list = listView({
    id: 'tunnels-table', label: 'tunnels', sort: 'name',
    // The state column comes from the live sessions, read with each page.
    load: async query => {
      const [rows, live] = await Promise.all([page(query), api('GET', '/api/v1/sessions')]);
      up = new Set(live.flatMap(s => s.tunnels.map(t => `${s.userId}/${t}`)));
      return rows;
    },
    columns: [
      { key: 'name', label: 'Name' },
      { key: 'type', label: 'Type' },
      { key: 'ownerId', label: 'Owner', wide: true },
      { key: 'remotePort', label: 'Public', render: t => t.remotePort !== null ? String(t.remotePort)
        : [t.subdomain, ...(t.customDomains || [])].filter(Boolean).join(', ') },
      { key: 'localTarget', label: 'Target', sortable: false, wide: true },
      { key: 'state', label: 'State', sortable: false,
        render: t => { const s = state(t, up); return h('span', { class: `state-${s.name}`, 'data-state': s.name }, s.text); } },
      { key: 'updated', label: 'Updated', render: t => time(t.updated), wide: true },
      { key: 'actions', label: '', sortable: false, render: t => h('span', { class: 'actions' },
        h('button', { type: 'button', class: 'secondary', 'aria-label': `Edit ${t.name}`, onclick: () => {
          replace(formSlot, tunnelForm(me, t, () => { showCreate(); load(); }));
          formSlot.querySelector('input').focus();
        } }, 'Edit'),
        h('button', { type: 'button', class: 'secondary', 'aria-label': `Traffic of ${t.name}`,
          onclick: () => traffic(trafficSlot, t).catch(e => { notice.textContent = e.detail; }) }, 'Traffic'),
        h('button', { type: 'button', class: 'danger', 'aria-label': `Delete ${t.name}`, onclick: async event => {
          const button = event.currentTarget;
          if (button.dataset.confirm !== 'yes') {
            button.dataset.confirm = 'yes';
            button.textContent = 'Confirm delete';
            return;
          }
          try {
            await api('DELETE', `/api/v1/tunnels/${t.id}`);
            await load();
          } catch (error) {
            notice.textContent = error.detail;
          }
        } }, 'Delete')) },
    ],
  });
  replace(listSlot, list);
  const load = () => list.reload();

  showCreate();
  await list.ready;
  const refresh = () => load().catch(() => {});
  return liveEvents({ 'tunnel.up': refresh, 'tunnel.down': refresh, 'client.connected': refresh, 'client.disconnected': refresh });
}

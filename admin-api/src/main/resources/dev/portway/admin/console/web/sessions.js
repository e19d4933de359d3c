import { h, replace, time } from './dom.js';
import { api, liveEvents } from './api.js';
import { listView, fromRows } from './table.js';

/** Client sessions (of every node, in a cluster): who, from where, since when, round trip, which tunnels; disconnect. */
export async function sessions(main) {
  const notice = h('p', { class: 'form-error', role: 'alert', id: 'sessions-error' });
  const columns = [
    { key: 'clientId', label: 'Client' },
    { key: 'userId', label: 'User', render: s => h('a', { href: `#/users/${s.userId}` }, String(s.userId)) },
    { key: 'remoteAddress', label: 'From' },
    { key: 'connectedAt', label: 'Since', render: s => time(s.connectedAt) },
    { key: 'rttMillis', label: 'RTT', value: s => s.rttMillis ?? -1,
      render: s => (s.rttMillis === null ? '—' : `${s.rttMillis.toFixed(1)} ms`) },
    { key: 'tunnels', label: 'Tunnels', value: s => s.tunnels.join(', '), wide: true },
    { key: 'node', label: 'Node', value: s => s.node ?? '', wide: true },
    { key: 'id', label: '', sortable: false, render: s => h('button', {
      type: 'button', class: 'danger', 'data-session': s.id, 'aria-label': `Disconnect ${s.clientId}`,
      onclick: async () => {
        try {
          await api('DELETE', `/api/v1/sessions/${encodeURIComponent(s.id)}`);
          await list.reload();
        } catch (error) {
          notice.textContent = error.detail;
        }
      },
    }, 'Disconnect') },
  ];
  // The API answers this node's sessions whole (there are as many as connected clients); the page sorts and pages them.
  const list = listView({ id: 'sessions-table', label: 'sessions', columns,
    load: async query => fromRows(await api('GET', '/api/v1/sessions'), columns)(query) });
  replace(main, h('h1', {}, 'Sessions'), notice, list);
  await list.ready;
  const refresh = () => list.reload().catch(() => {});
  return liveEvents({ 'client.connected': refresh, 'client.disconnected': refresh });
}

import { h, replace, time } from './dom.js';
import { api } from './api.js';
import { listView, fromRows } from './table.js';

const DAY_MS = 24 * 60 * 60 * 1000;

function daysLeft(certificate) {
  return certificate.notAfter ? Math.floor((Date.parse(certificate.notAfter) - Date.now()) / DAY_MS) : null;
}

function stateClass(state) {
  return state === 'valid' ? 'state-up' : state === 'expired' ? 'state-down' : 'state-pending';
}

/** What this node's https port serves, from files and from the ACME CA (admin keys only), with state and last error. */
export async function certificates(main) {
  const columns = [
    { key: 'name', label: 'Name' },
    { key: 'domains', label: 'Domains', value: c => c.domains.join(', ') },
    { key: 'source', label: 'Source', value: c => (c.origin ? `${c.source} (${c.origin})` : c.source) },
    { key: 'state', label: 'State', render: c => h('span', { class: stateClass(c.state) }, c.state) },
    { key: 'notAfter', label: 'Expires', render: c => {
      const days = daysLeft(c);
      return days === null ? '—' : `${time(c.notAfter)} (${days} days)`;
    } },
    { key: 'issuer', label: 'Issuer', wide: true },
    { key: 'lastError', label: 'Last error', sortable: false, wide: true,
      render: c => [c.lastError || '', c.retryAt ? ` (next try ${time(c.retryAt)})` : ''].join('') },
  ];
  // A node serves a handful of certificates: the API answers them whole; the page sorts and pages them.
  const list = listView({ id: 'certificates-table', label: 'certificates', columns,
    load: async query => fromRows(await api('GET', '/api/v1/certificates'), columns)(query) });
  replace(main, h('h1', {}, 'Certificates'), list);
  await list.ready;
}

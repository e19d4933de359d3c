import { h, replace, time } from './dom.js';
import { api } from './api.js';
import { listView } from './table.js';

/** The newest audit entries (admin keys only). */
export async function audit(main) {
  const rows = await api('GET', '/api/v1/audit?limit=1000');
  replace(main, h('h1', {}, 'Audit log'), listView({
    id: 'audit-table', label: 'audit entries', rows, sort: 'id', descending: true,
    columns: [
      { key: 'id', label: '#' },
      { key: 'at', label: 'When', render: e => time(e.at) },
      { key: 'actor', label: 'Who' },
      { key: 'action', label: 'Action' },
      { key: 'target', label: 'Target' },
      { key: 'remoteAddress', label: 'From', wide: true },
      { key: 'detail', label: 'Detail', value: e => JSON.stringify(e.detail), wide: true },
    ],
  }));
}

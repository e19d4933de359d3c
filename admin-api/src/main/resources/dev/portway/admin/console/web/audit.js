import { h, replace, time } from './dom.js';
import { listView, fromApi } from './table.js';

/** The audit log (admin keys only), paged, sorted and filtered by the API. */
export async function audit(main) {
  const list = listView({
    id: 'audit-table', label: 'audit entries', load: fromApi('/api/v1/audit'), sort: 'id', descending: true,
    columns: [
      { key: 'id', label: '#' },
      { key: 'at', label: 'When', render: e => time(e.at) },
      { key: 'actor', label: 'Who' },
      { key: 'action', label: 'Action' },
      { key: 'target', label: 'Target' },
      { key: 'remoteAddress', label: 'From', sortable: false, wide: true },
      { key: 'detail', label: 'Detail', sortable: false, render: e => JSON.stringify(e.detail), wide: true },
    ],
  });
  replace(main, h('h1', {}, 'Audit log'), list);
  await list.ready;
}

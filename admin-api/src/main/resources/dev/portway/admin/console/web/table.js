import { h, replace } from './dom.js';

/**
 * A list with a filter box, sortable columns (header buttons, so the keyboard reaches them) and pages of `pageSize`
 * rows; only the rows of the current page are in the document.
 * columns: [{ key, label, value(row) for sorting and filtering, render(row) → node or text, wide: hidden on narrow screens }]
 */
export function listView({ id, label, columns, rows, pageSize = 50, sort = columns[0].key, descending = false }) {
  const state = { filter: '', sort, descending, page: 0 };
  const body = h('tbody');
  const status = h('span', { class: 'muted', id: `${id}-status`, 'aria-live': 'polite' });
  const previous = h('button', { type: 'button', class: 'secondary', id: `${id}-previous`, onclick: () => { state.page--; render(); } }, 'Previous');
  const next = h('button', { type: 'button', class: 'secondary', id: `${id}-next`, onclick: () => { state.page++; render(); } }, 'Next');
  const headers = columns.map(c => h('th', { scope: 'col', class: c.wide ? 'hide-narrow' : null, 'data-key': c.key },
    c.sortable === false ? c.label : h('button', { type: 'button', onclick: () => sortBy(c.key) }, c.label)));
  const filter = h('input', { type: 'search', id: `${id}-filter`, placeholder: 'Filter', 'aria-label': `Filter ${label}`,
    oninput: e => { state.filter = e.target.value.toLowerCase(); state.page = 0; render(); } });

  function sortBy(key) {
    state.descending = state.sort === key ? !state.descending : false;
    state.sort = key;
    render();
  }

  function value(row, key) {
    const column = columns.find(c => c.key === key);
    const v = column.value ? column.value(row) : row[key];
    return v === null || v === undefined ? '' : v;
  }

  function render() {
    const matching = rows.filter(row => !state.filter
      || columns.some(c => String(value(row, c.key)).toLowerCase().includes(state.filter)));
    const sign = state.descending ? -1 : 1;
    matching.sort((a, b) => {
      const x = value(a, state.sort);
      const y = value(b, state.sort);
      return sign * (typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y)));
    });
    const pages = Math.max(1, Math.ceil(matching.length / pageSize));
    state.page = Math.min(Math.max(0, state.page), pages - 1);
    const shown = matching.slice(state.page * pageSize, (state.page + 1) * pageSize);
    replace(body, shown.length ? shown.map(row => h('tr', { 'data-id': row.id },
      columns.map(c => h('td', { class: c.wide ? 'hide-narrow' : null }, c.render ? c.render(row) : value(row, c.key)))))
      : h('tr', {}, h('td', { colspan: columns.length, class: 'muted' }, 'Nothing to show')));
    headers.forEach(th => {
      if (th.dataset.key === state.sort) th.setAttribute('aria-sort', state.descending ? 'descending' : 'ascending');
      else th.removeAttribute('aria-sort');
    });
    status.textContent = `${matching.length} of ${rows.length}; page ${state.page + 1} of ${pages}`;
    previous.disabled = state.page === 0;
    next.disabled = state.page >= pages - 1;
  }

  render();
  return h('section', { 'aria-label': label },
    h('div', { class: 'list-tools' }, filter, status, h('span', { class: 'actions' }, previous, next)),
    h('div', { class: 'table-wrap' }, h('table', { id }, h('thead', {}, h('tr', {}, headers)), body)));
}

import { h, replace } from './dom.js';
import { apiPage } from './api.js';

/**
 * A list with a filter box, sortable columns (header buttons, so the keyboard reaches them) and pages of `pageSize`
 * rows. `load({ limit, offset, sort, q })` answers `{ rows, total }` for one page: from the API, which pages, sorts
 * and filters in the database (`fromApi`), or from rows the page already holds (`fromRows`).
 * columns: [{ key, label, value(row) for local sorting and filtering, render(row) → node or text,
 *             sortable: false when the list cannot sort by it, wide: hidden on narrow screens }]
 */
export function listView({ id, label, columns, load, pageSize = 50, sort = columns[0].key, descending = false }) {
  const state = { filter: '', sort, descending, page: 0 };
  const body = h('tbody');
  const status = h('span', { class: 'muted', id: `${id}-status`, 'aria-live': 'polite' });
  const previous = h('button', { type: 'button', class: 'secondary', id: `${id}-previous`, onclick: () => { state.page--; render(); } }, 'Previous');
  const next = h('button', { type: 'button', class: 'secondary', id: `${id}-next`, onclick: () => { state.page++; render(); } }, 'Next');
  const headers = columns.map(c => h('th', { scope: 'col', class: c.wide ? 'hide-narrow' : null, 'data-key': c.key },
    c.sortable === false ? c.label : h('button', { type: 'button', onclick: () => sortBy(c.key) }, c.label)));
  let typing = null;
  const filter = h('input', { type: 'search', id: `${id}-filter`, placeholder: 'Filter', 'aria-label': `Filter ${label}`,
    oninput: e => {
      clearTimeout(typing);
      typing = setTimeout(() => { state.filter = e.target.value; state.page = 0; render(); }, 250);
    } });
  let latest = 0;

  function sortBy(key) {
    state.descending = state.sort === key ? !state.descending : false;
    state.sort = key;
    state.page = 0;
    render();
  }

  async function render() {
    const asked = ++latest;
    const { rows, total } = await load({
      limit: pageSize, offset: state.page * pageSize, sort: `${state.descending ? '-' : ''}${state.sort}`, q: state.filter,
    });
    if (asked !== latest) return;
    const pages = Math.max(1, Math.ceil(total / pageSize));
    replace(body, rows.length ? rows.map(row => h('tr', { 'data-id': row.id },
      columns.map(c => h('td', { class: c.wide ? 'hide-narrow' : null },
        c.render ? c.render(row) : (c.value ? c.value(row) : row[c.key]) ?? ''))))
      : h('tr', {}, h('td', { colspan: columns.length, class: 'muted' }, 'Nothing to show')));
    headers.forEach(th => {
      if (th.dataset.key === state.sort) th.setAttribute('aria-sort', state.descending ? 'descending' : 'ascending');
      else th.removeAttribute('aria-sort');
    });
    status.textContent = `${total} ${label}; page ${state.page + 1} of ${pages}`;
    previous.disabled = state.page === 0;
    next.disabled = state.page >= pages - 1;
  }

  const section = h('section', { 'aria-label': label },
    h('div', { class: 'list-tools' }, filter, status, h('span', { class: 'actions' }, previous, next)),
    h('div', { class: 'table-wrap' }, h('table', { id }, h('thead', {}, h('tr', {}, headers)), body)));
  section.ready = render();
  /** Reads the current page again (after a change, or when live events say the rows changed). */
  section.reload = () => render();
  return section;
}

/** Pages of a list route of the API, which sorts, filters and pages in the database. */
export function fromApi(path) {
  return async ({ limit, offset, sort, q }) => {
    const query = new URLSearchParams({ limit, offset, sort });
    if (q) query.set('q', q);
    const { items, total } = await apiPage(`${path}?${query}`);
    return { rows: items, total };
  };
}

/** Pages of rows the page holds already (lists the API answers whole: sessions of this node, one user's tokens). */
export function fromRows(rows, columns) {
  const value = (row, key) => {
    const column = columns.find(c => c.key === key);
    const v = column && column.value ? column.value(row) : row[key];
    return v === null || v === undefined ? '' : v;
  };
  return async ({ limit, offset, sort, q }) => {
    const descending = sort.startsWith('-');
    const key = descending ? sort.slice(1) : sort;
    const needle = q.toLowerCase();
    const matching = rows.filter(row => !needle
      || columns.some(c => String(value(row, c.key)).toLowerCase().includes(needle)));
    matching.sort((a, b) => {
      const x = value(a, key);
      const y = value(b, key);
      return (descending ? -1 : 1) * (typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y)));
    });
    return { rows: matching.slice(offset, offset + limit), total: matching.length };
  };
}

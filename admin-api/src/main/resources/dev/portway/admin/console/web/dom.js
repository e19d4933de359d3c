// Builds DOM nodes without HTML strings, so no API value is ever parsed as markup.
export function h(tag, attrs, ...children) {
  const svg = tag.startsWith('svg:');
  const el = svg ? document.createElementNS('http://www.w3.org/2000/svg', tag.slice(4)) : document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith('on')) el.addEventListener(name.slice(2), value);
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

export function field(form, name, label, input, hint) {
  const id = `${form}-${name}`;
  input.id = id;
  input.name = name;
  input.setAttribute('aria-describedby', `${id}-error`);
  return h('div', { class: input.type === 'checkbox' ? 'field check' : 'field' },
    h('label', { for: id }, label), input,
    hint ? h('span', { class: 'muted' }, hint) : null,
    h('p', { class: 'field-error', id: `${id}-error`, 'aria-live': 'polite' }));
}

/** Shows an API problem next to the field it names (a 422's `field`), or at the form when it names none. */
export function showProblem(form, error) {
  clearProblems(form);
  const name = error.field ? error.field.replace(/\[\d+\]$/, '') : null;
  const input = name ? form.querySelector(`[name="${CSS.escape(name)}"]`) : null;
  const target = input ? form.querySelector(`#${CSS.escape(input.id)}-error`) : form.querySelector('.form-error');
  if (input) {
    input.setAttribute('aria-invalid', 'true');
    input.focus();
  }
  if (target) target.textContent = error.detail;
}

export function clearProblems(form) {
  form.querySelectorAll('.field-error, .form-error').forEach(p => { p.textContent = ''; });
  form.querySelectorAll('[aria-invalid]').forEach(i => i.removeAttribute('aria-invalid'));
}

export function bytes(n) {
  if (n === null || n === undefined) return '—';
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let i = 0;
  let v = n;
  while (v >= 1000 && i < units.length - 1) { v /= 1000; i++; }
  return `${i === 0 ? Math.round(v) : v.toFixed(1)} ${units[i]}`;
}

export function time(iso) {
  return iso ? new Date(iso).toLocaleString() : '—';
}

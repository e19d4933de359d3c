import { h, replace, field, showProblem } from './dom.js';
import { currentSession, signIn, signOut, whenSignedOut } from './api.js';
import { overview } from './overview.js';
import { users } from './users.js';
import { tunnels } from './tunnels.js';
import { sessions } from './sessions.js';
import { audit } from './audit.js';
import { certificates } from './certificates.js';

const pages = { overview, users, tunnels, sessions, certificates, audit };
const main = document.getElementById('main');
const nav = document.getElementById('nav');
const who = document.getElementById('who');
const signOutButton = document.getElementById('sign-out');
let me = null;
let cleanup = null;

function stopPage() {
  if (cleanup) cleanup();
  cleanup = null;
}

function showSignIn(message) {
  stopPage();
  me = null;
  nav.hidden = true;
  signOutButton.hidden = true;
  who.textContent = '';
  const key = h('input', { type: 'password', autocomplete: 'off', required: true, spellcheck: 'false' });
  const form = h('form', { id: 'sign-in', class: 'grid', novalidate: true },
    field('sign-in', 'apiKey', 'API key', key, 'An operator key (pwk_…). The console keeps a session cookie, never the key.'),
    h('p', { class: 'form-error', role: 'alert' }, message || ''),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Sign in')));
  form.addEventListener('submit', async event => {
    event.preventDefault();
    try {
      await signIn(key.value);
      key.value = '';
      started(await currentSession());
    } catch (error) {
      // A refused key is no field error of the API (401), but the key field is what the operator must fix.
      showProblem(form, error.status === 401 || error.status === 403 ? { field: 'apiKey', detail: error.detail } : error);
    }
  });
  replace(main, h('div', { class: 'sign-in' }, h('h1', {}, 'Sign in to Portway'), form));
  key.focus();
}

function started(session) {
  me = session;
  nav.hidden = false;
  signOutButton.hidden = false;
  who.textContent = `${session.userName} (${session.role})`;
  document.getElementById('nav-audit').hidden = session.role !== 'admin';
  document.getElementById('nav-certificates').hidden = session.role !== 'admin';
  route();
}

async function route() {
  if (!me) return;
  stopPage();
  const [name, ...rest] = (location.hash.replace(/^#\/?/, '') || 'overview').split('/');
  const page = pages[name] || overview;
  nav.querySelectorAll('a').forEach(a => {
    if (a.id === `nav-${name}`) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  });
  replace(main, h('p', { class: 'muted' }, 'Loading…'));
  try {
    cleanup = await page(main, { me, args: rest }) || null;
  } catch (error) {
    replace(main, h('p', { class: 'form-error', role: 'alert' }, error.detail || String(error)));
  }
  main.focus();
}

signOutButton.addEventListener('click', async () => {
  try {
    await signOut();
  } catch (error) {
    // 401: the session had already ended. Anything else: it may still be valid, so say so instead of hiding it.
    if (error.status !== 401) {
      replace(main, h('p', { class: 'form-error', role: 'alert', id: 'sign-out-error' },
        `Sign-out failed, the session may still be valid: ${error.detail || error}`));
      return;
    }
  }
  showSignIn('Signed out.');
});
whenSignedOut(() => showSignIn('Your session has ended; sign in again.'));
window.addEventListener('hashchange', route);

currentSession().then(started, () => showSignIn());

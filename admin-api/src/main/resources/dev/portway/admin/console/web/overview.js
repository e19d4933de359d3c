import { h, replace, bytes, time } from './dom.js';
import { api, liveEvents } from './api.js';
import { lines } from './chart.js';

const HISTORY = 60;
/** Alerts are evaluated on the server every few seconds; the page asks as often, not more. */
const ALERTS_EVERY_MS = 5000;

function card(id, label) {
  return h('div', { class: 'card' }, h('div', { class: 'value', id }, '—'), h('div', { class: 'label' }, label));
}

function labelText(labels) {
  return Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(' ');
}

/**
 * Clients online, tunnels up and stored, the server's alerts firing (admin keys only, as the API allows), and the live
 * rate in and out from the event stream's `rates`.
 */
export async function overview(main, { me }) {
  const admin = me.role === 'admin';
  const rateIn = [];
  const rateOut = [];
  const chart = h('div', { id: 'rate-chart' });
  replace(main,
    h('h1', {}, 'Overview'),
    h('div', { class: 'cards' },
      card('clients-online', 'Clients online'),
      card('tunnels-up', 'Tunnels up'),
      card('tunnels-down', 'Stored tunnels not up'),
      card('rate-in', 'In per second'),
      card('rate-out', 'Out per second'),
      admin && card('alerts-firing', 'Alerts firing')),
    admin && h('ul', { id: 'alerts-list', class: 'alerts' }),
    h('h2', {}, 'Live rate (last 2 minutes) ', h('span', { class: 'legend-in' }, '■ in'), ' ', h('span', { class: 'legend-out' }, '■ out')),
    chart);

  async function counts() {
    const [live, stored] = await Promise.all([api('GET', '/api/v1/sessions'), api('GET', '/api/v1/tunnels')]);
    const up = new Set(live.flatMap(s => s.tunnels.map(t => `${s.userId}/${t}`)));
    main.querySelector('#clients-online').textContent = live.length;
    main.querySelector('#tunnels-up').textContent = up.size;
    main.querySelector('#tunnels-down').textContent = stored.filter(t => !up.has(`${t.ownerId}/${t.name}`)).length;
  }

  function rates(snapshot) {
    const seconds = (list, key) => list.reduce((sum, t) => sum + t[key], 0);
    rateIn.push(seconds(snapshot.tunnels, 'bytesInPerSecond'));
    rateOut.push(seconds(snapshot.tunnels, 'bytesOutPerSecond'));
    if (rateIn.length > HISTORY) { rateIn.shift(); rateOut.shift(); }
    main.querySelector('#rate-in').textContent = `${bytes(rateIn[rateIn.length - 1])}/s`;
    main.querySelector('#rate-out').textContent = `${bytes(rateOut[rateOut.length - 1])}/s`;
    chart.dataset.samples = rateIn.length;
    replace(chart, lines('Bytes per second in and out', rateIn, rateOut));
  }

  async function alerts() {
    const firing = await api('GET', '/api/v1/alerts');
    main.querySelector('#alerts-firing').textContent = firing.length;
    replace(main.querySelector('#alerts-list'), ...firing.map(a => h('li', { class: `alert-${a.severity}` },
      h('strong', {}, a.alert), ' ', h('code', {}, labelText(a.labels)), ' — ', a.summary,
      h('span', { class: 'muted' }, ` since ${time(a.since)}`))));
  }

  await counts();
  let alertsTimer = null;
  if (admin) {
    await alerts().catch(() => {});
    alertsTimer = setInterval(() => alerts().catch(() => {}), ALERTS_EVERY_MS);
  }
  const refresh = () => counts().catch(() => {});
  const stopEvents = liveEvents({
    rates,
    'client.connected': refresh, 'client.disconnected': refresh, 'tunnel.up': refresh, 'tunnel.down': refresh,
  });
  return () => {
    stopEvents();
    clearInterval(alertsTimer);
  };
}

import { h } from './dom.js';

const W = 600;
const H = 180;
const PAD = 24;

/**
 * A line chart of two series (bytes in and out) over the same x positions, as SVG drawn with classes only
 * (the Content-Security-Policy allows no inline styles).
 */
export function lines(label, inSeries, outSeries) {
  const max = Math.max(1, ...inSeries, ...outSeries);
  const x = i => PAD + (i * (W - 2 * PAD)) / Math.max(1, inSeries.length - 1);
  const y = v => H - PAD - (v * (H - 2 * PAD)) / max;
  const path = series => series.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
  return h('svg:svg', { class: 'chart', viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': label },
    h('svg:line', { class: 'axis', x1: PAD, y1: H - PAD, x2: W - PAD, y2: H - PAD }),
    h('svg:polyline', { class: 'in', points: path(inSeries) }),
    h('svg:polyline', { class: 'out', points: path(outSeries) }));
}

/** Paired bars per hour: bytes in and out. */
export function bars(label, hours) {
  const max = Math.max(1, ...hours.map(p => Math.max(p.bytesIn, p.bytesOut)));
  const slot = (W - 2 * PAD) / Math.max(1, hours.length);
  const bar = Math.max(1, slot / 2 - 1);
  const height = v => (v * (H - 2 * PAD)) / max;
  const svg = h('svg:svg', { class: 'chart', viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': label },
    h('svg:line', { class: 'axis', x1: PAD, y1: H - PAD, x2: W - PAD, y2: H - PAD }));
  hours.forEach((p, i) => {
    const x0 = PAD + i * slot;
    svg.append(h('svg:rect', { class: 'bar-in', x: x0, y: H - PAD - height(p.bytesIn), width: bar, height: height(p.bytesIn) }));
    svg.append(h('svg:rect', { class: 'bar-out', x: x0 + bar, y: H - PAD - height(p.bytesOut), width: bar, height: height(p.bytesOut) }));
  });
  if (hours.length) {
    svg.append(h('svg:text', { x: PAD, y: H - 6 }, new Date(hours[0].hour).toLocaleString()));
    svg.append(h('svg:text', { x: W - PAD, y: H - 6, 'text-anchor': 'end' }, new Date(hours[hours.length - 1].hour).toLocaleString()));
  }
  return svg;
}

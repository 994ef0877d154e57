/* global document */
// A connection's traffic as a small bar chart: one bar per minute over the last hour,
// built as SVG elements with attributes (the CSP allows no inline styles or scripts).
import { el, timeNode } from './format.js';

const SVG = 'http://www.w3.org/2000/svg';
const BAR = 3;
const HEIGHT = 24;

function svg(tag, attributes) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  return node;
}

/** `traffic`: { in: [60 counts], out: [60 counts], last_at } from GET /connectors. */
export function trafficChart(traffic) {
  const totals = traffic.in.map((n, i) => n + (traffic.out[i] ?? 0));
  const max = Math.max(1, ...totals);
  const chart = svg('svg', {
    class: 'traffic',
    width: totals.length * BAR,
    height: HEIGHT,
    viewBox: `0 0 ${totals.length * BAR} ${HEIGHT}`,
    role: 'img',
  });
  const sum = totals.reduce((s, n) => s + n, 0);
  chart.setAttribute('aria-label', `${sum} messages in the last hour`);
  for (const [i, total] of totals.entries()) {
    const height = total === 0 ? 1 : Math.max(2, Math.round((total / max) * HEIGHT));
    const bar = svg('rect', {
      class: total === 0 ? 'bar idle' : 'bar',
      x: i * BAR,
      y: HEIGHT - height,
      width: BAR - 1,
      height,
      'data-count': total,
    });
    const minutesAgo = totals.length - 1 - i;
    const title = svg('title', {});
    title.textContent = `${minutesAgo === 0 ? 'this minute' : `${minutesAgo} min ago`}: ${traffic.in[i]} from the platform, ${traffic.out[i]} to it`;
    bar.append(title);
    chart.append(bar);
  }
  return chart;
}

/** The chart, the hour's total, and when a message last crossed. */
export function trafficCell(traffic) {
  const box = el('div', undefined, 'traffic-cell');
  const sum = [...traffic.in, ...traffic.out].reduce((s, n) => s + n, 0);
  box.append(trafficChart(traffic), el('div', `${sum} in the last hour`, 'room-id'));
  const last = el('div', undefined, 'last-message');
  if (traffic.last_at) last.append(timeNode(traffic.last_at, 'last message crossed '));
  else last.textContent = 'none since start';
  box.append(last);
  return box;
}

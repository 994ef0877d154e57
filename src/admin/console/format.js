/* global document, window */
// Small DOM and formatting helpers. Every value from the server goes on the page as text
// (textContent or an attribute), never as HTML.

export const $ = (id) => document.getElementById(id);

export function el(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (className) node.className = className;
  return node;
}

export function badge(text) {
  return el('span', text, `badge ${String(text).replace(/[^a-z_]/g, '')}`);
}

export function option(value, label) {
  const o = el('option', label);
  o.value = value;
  return o;
}

/** A name with its id under it (and as tooltip): people read names, support asks for ids. */
export function named(name, id) {
  const box = el('div');
  box.append(el('div', name || id, 'name'));
  if (name && name !== id) box.append(el('div', id, 'room-id'));
  box.title = id;
  return box;
}

/**
 * Replaces a table body's rows in one step (no flicker, scroll position kept). Each cell gets
 * its column's heading as `data-label`, which the narrow layout shows in front of the value.
 * `wrap`: indexes of the columns whose long values may break (ids, messages).
 */
export function fill(table, rows, wrap = []) {
  const labels = [...table.tHead.rows[0].cells].map((th) => th.textContent);
  const tbody = table.tBodies[0];
  if (rows.length === 0) {
    const tr = el('tr');
    const td = el('td', 'Nothing here.', 'empty');
    td.colSpan = labels.length;
    tr.append(td);
    tbody.replaceChildren(tr);
    return;
  }
  tbody.replaceChildren(...rows.map((cells) => row(cells, labels, wrap)));
}

export function row(cells, labels, wrap = []) {
  const tr = el('tr');
  for (const [i, cell] of cells.entries()) {
    const td = el('td', undefined, wrap.includes(i) ? 'wrap' : undefined);
    if (labels[i]) td.dataset.label = labels[i];
    if (cell instanceof window.Node) td.append(cell);
    else td.textContent = cell === undefined || cell === null ? '' : String(cell);
    tr.append(td);
  }
  return tr;
}

/** Keeps a select's choice when its options are refreshed; does nothing when they are the same. */
export function setOptions(select, options) {
  const same =
    select.options.length === options.length &&
    options.every(
      (o, i) =>
        select.options[i].value === o.value && select.options[i].textContent === o.textContent,
    );
  if (same) return false;
  const previous = select.value;
  select.replaceChildren(...options);
  if (options.some((o) => o.value === previous)) select.value = previous;
  return true;
}

// ---- dates: the browser's locale and time zone, relative when recent ---------------------

const absolute = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
const RECENT_MS = 60 * 60_000;

export function absoluteTime(ms) {
  return absolute.format(new Date(ms));
}

/** "12 seconds ago", "5 minutes ago" within the hour; the local date and time beyond. */
export function timeText(ms, now = Date.now()) {
  const age = now - ms;
  if (age < 0 || age >= RECENT_MS) return absoluteTime(ms);
  if (age < 60_000) return relative.format(-Math.round(age / 1000), 'second');
  return relative.format(-Math.floor(age / 60_000), 'minute');
}

/**
 * A <time> element that keeps saying how long ago `ms` was (see tickTimes); the exact local
 * date and time is its tooltip. `prefix` is put in front ("updated …").
 */
export function timeNode(ms, prefix = '') {
  if (!ms) return el('span', '');
  const node = el('time', undefined, 'ticking');
  node.dateTime = new Date(ms).toISOString();
  node.title = absoluteTime(ms);
  node.dataset.at = String(ms);
  node.dataset.prefix = prefix;
  node.textContent = prefix + timeText(ms);
  return node;
}

/** Brings every relative time on the page up to date (called each second). */
export function tickTimes(now = Date.now()) {
  for (const node of document.querySelectorAll('time.ticking')) {
    node.textContent = node.dataset.prefix + timeText(Number(node.dataset.at), now);
  }
}

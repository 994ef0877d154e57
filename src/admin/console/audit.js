/* global URLSearchParams */
// The audit log (admins): newest first, filtered by outcome and actor, older entries on demand.
import { api } from './api.js';
import { $, badge, fill, option, row, setOptions, timeNode } from './format.js';
import { platformName } from './platforms.js';

const PAGE = 25;
const WRAP = [1, 5, 6];
let oldestShown;
/** Set once "Older entries" was used: an auto-refresh then leaves the list alone. */
let paged = false;
const actorsSeen = new Set();
let latestAsk = 0;

function filters() {
  const query = new URLSearchParams({ limit: String(PAGE) });
  const outcome = $('audit-outcome').value;
  const actor = $('audit-actor').value.trim();
  if (outcome) query.set('outcome', outcome);
  if (actor) query.set('actor', actor);
  return query;
}

function cells(e) {
  return [
    timeNode(e.at),
    e.actor,
    e.path,
    e.action,
    badge(e.outcome),
    [e.room_id, channelText(e)].filter(Boolean).join(' ↔ '),
    e.detail || '',
  ];
}

/** "Acme Chat main/c42": the platform by name, the rest as recorded. */
function channelText(e) {
  const place = [e.workspace, e.channel].filter(Boolean).join('/');
  if (!e.connector) return place;
  return place ? `${platformName(e.connector)} ${place}` : platformName(e.connector);
}

/** `more`: append the next older page. `auto`: a periodic refresh (skipped while paging). */
export async function loadAudit(me, { more = false, auto = false } = {}) {
  $('audit-section').hidden = me.level !== 'admin';
  if ($('audit-section').hidden || (auto && paged)) return;
  const query = filters();
  if (more && oldestShown) query.set('before', String(oldestShown));
  const asked = ++latestAsk;
  const { entries } = await api('GET', `/audit?${query}`);
  // An answer for filters changed since (or a page overtaken by a new list) is dropped.
  if (asked !== latestAsk) return;
  const table = $('audit');
  if (more) {
    const labels = [...table.tHead.rows[0].cells].map((th) => th.textContent);
    table.tBodies[0].append(...entries.map((e) => row(cells(e), labels, WRAP)));
    paged = true;
  } else {
    fill(table, entries.map(cells), WRAP);
    paged = false;
  }
  if (entries.length > 0) oldestShown = entries[entries.length - 1].id;
  $('audit-more').hidden = entries.length < PAGE;
  rememberActors(entries);
}

/** The actor field suggests the actors seen so far (it filters by the exact name). */
function rememberActors(entries) {
  for (const e of entries) actorsSeen.add(e.actor);
  setOptions(
    $('audit-actors'),
    [...actorsSeen].sort().map((a) => option(a, a)),
  );
}

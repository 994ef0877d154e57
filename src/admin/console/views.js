// The lists the console shows: portals with their links, connections with their traffic,
// recent delivery failures.
import { api } from './api.js';
import { $, badge, el, fill, named, timeNode, absoluteTime } from './format.js';
import { platformNode, platformsLoaded, sourceName } from './platforms.js';
import { trafficCell } from './traffic.js';

const mayLink = (me) => me.level === 'linker' || me.level === 'admin';

/** `onUnlink(link)` is called when a person asks to unlink one. Returns the portals. */
export async function loadPortals(me, onUnlink) {
  const { portals } = await api('GET', '/portals');
  const rows = [];
  for (const p of portals) {
    for (const l of p.links) rows.push(portalRow(me, p, l, onUnlink));
  }
  fill($('portals'), rows, [0, 3, 4]);
  return portals;
}

function portalRow(me, p, l, onUnlink) {
  const room = named(p.name || p.room_name, p.room_id);
  if (p.encrypted_at) {
    // The bridge cannot read an encrypted room: its messages no longer cross.
    const lock = badge('encrypted');
    lock.title = `End-to-end encrypted since ${absoluteTime(p.encrypted_at)}: messages from Matrix do not cross. Link the channel to a new room without encryption.`;
    room.append(lock);
  }
  const unlink = el('button', 'Unlink', 'danger');
  unlink.type = 'button';
  unlink.dataset.channel = `${l.connector}/${l.workspace}/${l.channel}`;
  if (l.source === 'config') {
    unlink.disabled = true;
    unlink.title = 'Made by the config file: remove it there';
  } else if (!mayLink(me)) {
    unlink.disabled = true;
  } else {
    unlink.addEventListener('click', () => onUnlink(l));
  }
  const madeBy = el('div');
  madeBy.append(el('div', l.created_by || ''), el('div', l.source, 'room-id'));
  const channel = named(l.channel_name, l.channel);
  channel.classList.add('channel');
  if (l.retire_until) {
    // Retired after a migration: read-only, and unlinked when its grace period ends.
    const retired = badge('retired');
    retired.title = `Retired: nothing from Matrix goes to this channel any more; it is unlinked on ${absoluteTime(l.retire_until)}.`;
    channel.append(retired);
  }
  return [room, platformNode(l.connector), l.workspace, channel, madeBy, unlink];
}

/** Returns the connectors (the link form's pickers and the platforms' names come from them). */
export async function loadConnections() {
  const { connectors } = await api('GET', '/connectors');
  platformsLoaded(connectors);
  const rows = [];
  for (const c of connectors) {
    for (const w of c.workspaces) {
      rows.push([
        platformNode(c.id),
        w.workspace,
        badge(w.status),
        timeNode(w.since),
        trafficCell(w.traffic),
        w.error || '',
      ]);
    }
  }
  fill($('connections'), rows, [5]);
  return connectors;
}

export async function loadFailures(me) {
  $('failures-section').hidden = !mayLink(me);
  if ($('failures-section').hidden) return;
  const { failures } = await api('GET', '/failures?limit=20');
  fill(
    $('failures'),
    failures.map((f) => [timeNode(f.at), f.room_id, sourceName(f.source), f.error]),
    [1, 3],
  );
}

/** The CLI's human-readable lines for the provisioning API's answers. */
type Json = Record<string, unknown>;

const when = (ms: unknown): string =>
  typeof ms === 'number' ? new Date(ms).toISOString().replace('T', ' ').slice(0, 19) : '';

export const list = (v: unknown): Json[] => (Array.isArray(v) ? (v as Json[]) : []);

export const text = (v: unknown): string => (v === undefined || v === null ? '' : String(v));

/** An encrypted portal's messages from Matrix stop crossing; the operator must see that. */
const encryptedNote = (at: unknown): string =>
  typeof at === 'number'
    ? `  [encrypted since ${when(at)}: messages from Matrix do not cross]`
    : '';

export function portalLines(body: Json): string[] {
  const portals = list(body.portals);
  if (portals.length === 0) return ['no room is bridged'];
  return portals.flatMap((p) => [
    `${text(p.room_id)}${p.name ? `  (${text(p.name)})` : ''}${encryptedNote(p.encrypted_at)}`,
    ...list(p.links).map(
      (l) =>
        `  ↔ ${text(l.connector)} ${text(l.workspace)} ${text(l.channel)}  [${text(l.source)}, ${text(l.created_by)}]` +
        (typeof l.retire_until === 'number'
          ? `  [retired: unlinked on ${when(l.retire_until)}]`
          : ''),
    ),
  ]);
}

/** `status`: connection states, recent failures and encrypted portals, in one answer. */
export function statusLines(body: Json): string[] {
  return [
    ...list(body.connectors).flatMap((c) =>
      list(c.workspaces).map(
        (w) =>
          `${text(c.id)} ${text(w.workspace)}: ${text(w.status)}${w.since ? ` since ${when(w.since)}` : ''}${w.error ? ` (${text(w.error)})` : ''}`,
      ),
    ),
    `recent delivery failures: ${list(body.failures).length}`,
    ...list(body.failures).map(
      (f) => `  ${when(f.at)} ${text(f.room_id)} ${text(f.source)}: ${text(f.error)}`,
    ),
    ...list(body.encrypted_portals).map(
      (p) => `encrypted room ${text(p.room_id)}${encryptedNote(p.encrypted_at)}`,
    ),
  ];
}

export function channelLines(body: Json): string[] {
  return list(body.channels).map(
    (c) =>
      `${text(c.channel)}  ${text(c.name)}` +
      (c.visibility && c.visibility !== 'public' ? `  [${text(c.visibility)}]` : '') +
      (c.linked_room_id ? `  (linked to ${text(c.linked_room_id)})` : ''),
  );
}

export function linkLines(body: Json): string[] {
  return [
    body.existed
      ? `already linked: ${text(body.room_id)} ↔ ${text(body.channel_name)}`
      : `linked ${text(body.room_id)} ↔ ${text(body.connector)} "${text(body.channel_name)}"`,
  ];
}

export function unlinkLines(body: Json, channel: readonly string[]): string[] {
  return [
    `unlinked ${channel.join(' ')} from ${text(body.room_id)}` +
      (body.portal_removed ? ' (the room is no longer bridged)' : ''),
  ];
}

export function retireLines(body: Json): string[] {
  const until = typeof body.retire_until === 'number' ? when(body.retire_until) : '?';
  const what = `${text(body.connector)}/${text(body.workspace)}/${text(body.channel)}`;
  return [
    body.already
      ? `already retired: ${what}; unlinked from ${text(body.room_id)} on ${until}`
      : `retired ${what}: the channel was told; unlinked from ${text(body.room_id)} on ${until}`,
  ];
}

export function auditLines(body: Json): string[] {
  return list(body.entries).map(
    (e) =>
      `${when(e.at)}  ${text(e.actor)} via ${text(e.path)}: ${text(e.action)} ${text(e.outcome)}` +
      (e.room_id ? `  ${text(e.room_id)}` : '') +
      (e.channel ? `  ${text(e.connector)}/${text(e.workspace)}/${text(e.channel)}` : '') +
      (e.detail ? `  — ${text(e.detail)}` : ''),
  );
}

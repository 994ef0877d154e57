/**
 * Rows about people in every table that can name one, written the way the bridge writes
 * them, so an erasure test can check that one person's rows go and everyone else's stay.
 */
import type { Knex } from 'knex';

export interface PlatformPerson {
  connector: string;
  workspace: string;
  remoteId: string;
  ghostId: string;
}

let serial = 0;
const unique = (prefix: string) => `${prefix}${++serial}`;

async function portal(db: Knex): Promise<number> {
  const [row] = (await db('portals')
    .insert({ room_id: `!${unique('room')}:x`, created_at: 1 })
    .returning('id')) as Array<{ id: unknown }>;
  return Number(row!.id);
}

async function message(db: Knex, portalId: number, sender: string, side: string): Promise<number> {
  const [row] = (await db('messages')
    .insert({ portal_id: portalId, origin_side: side, matrix_sender: sender, created_at: 1 })
    .returning('id')) as Array<{ id: unknown }>;
  const id = Number(row!.id);
  await db('message_parts').insert([
    { message_id: id, side: 'matrix', native_id: `$${unique('ev')}` },
    { message_id: id, side, native_id: unique('post') },
  ]);
  return id;
}

/** A platform user who wrote, reacted, waits in the inbox and is named in storage. */
export async function seedPlatformPerson(db: Knex, p: PlatformPerson): Promise<void> {
  const side = `${p.connector}/${p.workspace}/chan`;
  const portalId = await portal(db);
  await db('portal_links').insert({
    portal_id: portalId,
    connector: p.connector,
    workspace: p.workspace,
    channel: unique('chan'),
    source: 'api',
    created_at: 1,
  });
  await message(db, portalId, p.ghostId, side);
  const someoneElses = await message(db, portalId, '@bystander:x', 'matrix');
  await db('reactions').insert({
    message_id: someoneElses,
    key: '👍',
    origin_side: side,
    sender: p.remoteId,
    matrix_event_id: `$${unique('re')}`,
    created_at: 1,
  });
  await db('reaction_snapshots').insert({
    connector: p.connector,
    workspace: p.workspace,
    channel: 'chan',
    message_id: unique('post'),
    sender: p.remoteId,
    reaction: 'smile',
    generation: 1,
    present: true,
    updated_at: 1,
  });
  await db('ghosts').insert({
    user_id: p.ghostId,
    connector: p.connector,
    workspace: p.workspace,
    remote_user_id: p.remoteId,
    display_name: 'Erin (Chat)',
    avatar_mxc: 'mxc://x/avatar',
  });
  const event = {
    kind: 'message',
    workspace: p.workspace,
    channel: 'chan',
    eventKey: unique('key'),
    ts: 1,
    messageId: unique('post'),
    sender: { userId: p.remoteId },
    content: { text: 'hello' },
  };
  await db('inbox').insert([
    {
      source: `remote:${p.connector}`,
      event_key: event.eventKey,
      portal_id: portalId,
      payload: JSON.stringify({ kind: 'remote', connector: p.connector, event }),
      status: 'pending',
      next_attempt_at: 1,
      created_at: 1,
    },
    {
      source: `remote:${p.connector}`,
      event_key: `reaction:${unique('post')}:${p.remoteId}:smile`,
      portal_id: portalId,
      payload: null,
      status: 'done',
      next_attempt_at: 1,
      created_at: 1,
    },
    {
      source: 'matrix',
      event_key: `$${unique('mention')}`,
      portal_id: portalId,
      payload: JSON.stringify({
        kind: 'matrix',
        event: { sender: '@bystander:x', content: { 'm.mentions': { user_ids: [p.ghostId] } } },
      }),
      status: 'pending',
      next_attempt_at: 1,
      created_at: 1,
    },
  ]);
  await db('connector_kv').insert([
    { connector: p.connector, key: `users:${p.workspace}:${p.remoteId}`, value: '{"name":"Erin"}' },
    { connector: p.connector, key: `posted:${p.workspace}:${unique('post')}`, value: p.remoteId },
  ]);
  await db('audit_log').insert({
    at: 1,
    actor: 'provisioning-secret',
    path: 'api',
    action: 'link',
    outcome: 'ok',
    detail: `first message by ${p.ghostId}`,
  });
}

/** A Matrix user who wrote, reacted, linked an account, opened an admin room, acted. */
export async function seedMatrixPerson(db: Knex, userId: string): Promise<void> {
  const portalId = await portal(db);
  const own = await message(db, portalId, userId, 'matrix');
  await db('reactions').insert({
    message_id: own,
    key: '🎉',
    origin_side: 'matrix',
    sender: userId,
    matrix_event_id: `$${unique('re')}`,
    created_at: 1,
  });
  await db('inbox').insert({
    source: 'matrix',
    event_key: `$${unique('ev')}`,
    portal_id: portalId,
    payload: JSON.stringify({ kind: 'matrix', event: { sender: userId, content: { body: 'hi' } } }),
    next_attempt_at: 1,
    created_at: 1,
  });
  await db('connector_kv').insert([
    { connector: 'chat-x', key: `puppet:agency-a:${userId}`, value: 'v1.sealed-token' },
    { connector: 'chat-x', key: `posted:agency-a:${unique('post')}`, value: userId },
  ]);
  await db('admin_rooms').insert({ room_id: `!${unique('dm')}:x`, user_id: userId, created_at: 1 });
  await db('encrypted_reminders').insert({
    portal_id: portalId,
    user_id: userId,
    event_id: `$${unique('ev')}`,
    at: 1,
  });
  await db('portal_encryption').insert({
    portal_id: portalId,
    event_id: `$${unique('ev')}`,
    sender: userId,
    algorithm: 'm.megolm.v1.aes-sha2',
    at: 1,
  });
  await db('portal_links').insert({
    portal_id: portalId,
    connector: 'chat-x',
    workspace: 'agency-a',
    channel: unique('chan'),
    source: 'api',
    created_by: `${userId} (via provisioning secret)`,
    created_at: 1,
    retire_until: 2,
    retired_by: userId,
  });
  await db('audit_log').insert([
    { at: 1, actor: userId, path: 'command', action: 'link', outcome: 'ok' },
    {
      at: 2,
      actor: 'provisioning-secret',
      path: 'api',
      action: 'link',
      outcome: 'denied',
      detail: `${userId} may not link`,
    },
  ]);
}

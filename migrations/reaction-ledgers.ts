/**
 * Carries the reaction ledgers that connectors kept as JSON in `connector_kv` (up to version
 * 0.x) over to `reaction_snapshots`, then deletes them, so reactions removed while the bridge
 * was being upgraded are still noticed. Ledgers without the channel in their key find it in
 * the message map; one whose message is no longer mapped had nothing left to bridge.
 */
import type { Knex } from 'knex';

interface Entry {
  sender: string;
  reaction: string;
  generation: number;
  present: boolean;
}

interface Ledger {
  workspace: string;
  /** Undefined when the key does not say: looked up in `message_parts`. */
  channel?: string;
  messageId: string;
  entries: Entry[];
}

interface Format {
  connector: string;
  prefix: string;
  parse(workspace: string, id: string, value: unknown): Ledger[];
}

const PAGE = 500;

const strings = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** `user{sep}reaction` strings, each present once. */
function splitList(list: unknown, sep: string): Entry[] {
  return strings(list).flatMap((s) => {
    const i = s.indexOf(sep);
    if (i <= 0 || i === s.length - 1) return [];
    return [{ sender: s.slice(0, i), reaction: s.slice(i + 1), generation: 1, present: true }];
  });
}

/** Slack: per channel, `{ts: {"user\0name": generation}}`, negative once removed. */
function slackLedgers(workspace: string, channel: string, value: unknown): Ledger[] {
  if (!isRecord(value)) return [];
  return Object.entries(value).flatMap(([ts, entry]) => {
    if (!isRecord(entry)) return [];
    const entries = Object.entries(entry).flatMap(([k, g]) => {
      const [e] = splitList([k], '\u0000');
      if (!e || typeof g !== 'number' || !Number.isInteger(g) || g === 0) return [];
      return [{ ...e, generation: Math.abs(g), present: g > 0 }];
    });
    return [{ workspace, channel, messageId: ts, entries }];
  });
}

/** Rocket.Chat: `{":name:": [usernames]}`. */
function rocketLedger(workspace: string, messageId: string, value: unknown): Ledger[] {
  if (!isRecord(value)) return [];
  const entries = Object.entries(value).flatMap(([reaction, users]) =>
    strings(users).map((sender) => ({ sender, reaction, generation: 1, present: true })),
  );
  return [{ workspace, messageId, entries }];
}

const FORMATS: Format[] = [
  {
    connector: 'mattermost',
    prefix: 'reactions:',
    parse: (workspace, messageId, v) => [{ workspace, messageId, entries: splitList(v, '\u0000') }],
  },
  { connector: 'slack', prefix: 'reactions:', parse: slackLedgers },
  {
    connector: 'teams',
    prefix: 'rx:',
    parse: (workspace, messageId, v) => [{ workspace, messageId, entries: splitList(v, '|') }],
  },
  { connector: 'rocketchat', prefix: 'reactions:', parse: rocketLedger },
];

export async function importReactionLedgers(knex: Knex): Promise<void> {
  for (const format of FORMATS) {
    for (;;) {
      const rows = (await knex('connector_kv')
        .where({ connector: format.connector })
        .andWhereLike('key', `${format.prefix}%`)
        .orderBy('key')
        .limit(PAGE)
        .select('key', 'value')) as Array<{ key: string; value: string }>;
      if (rows.length === 0) break;
      for (const row of rows) await importRow(knex, format, row.key, row.value);
      await knex('connector_kv')
        .where({ connector: format.connector })
        .whereIn(
          'key',
          rows.map((r) => r.key),
        )
        .delete();
    }
  }
}

async function importRow(knex: Knex, format: Format, key: string, value: string): Promise<void> {
  // `{prefix}{workspace}:{id}`: ids carry no colon, workspace names might.
  const rest = key.slice(format.prefix.length);
  const cut = rest.lastIndexOf(':');
  if (cut <= 0) return;
  let parsed: unknown;
  try {
    parsed = value === '' ? [] : (JSON.parse(value) as unknown);
  } catch {
    return; // a damaged ledger only cost the reactions changed while disconnected
  }
  const now = Date.now();
  for (const ledger of format.parse(rest.slice(0, cut), rest.slice(cut + 1), parsed)) {
    const channel = ledger.channel ?? (await channelOf(knex, format.connector, ledger));
    if (channel === undefined || ledger.entries.length === 0) continue;
    const rows = ledger.entries.map((e) => ({
      connector: format.connector,
      workspace: ledger.workspace,
      channel,
      message_id: ledger.messageId,
      sender: e.sender,
      reaction: e.reaction,
      generation: e.generation,
      present: e.present,
      updated_at: now,
    }));
    await knex('reaction_snapshots')
      .insert(rows)
      .onConflict(['connector', 'workspace', 'channel', 'message_id', 'sender', 'reaction'])
      .ignore();
  }
}

async function channelOf(knex: Knex, connector: string, l: Ledger): Promise<string | undefined> {
  const prefix = `${connector}/${l.workspace}/`;
  const sides = (await knex('message_parts')
    .where({ native_id: l.messageId })
    .select('side')) as Array<{ side: string }>;
  return sides.find((s) => s.side.startsWith(prefix))?.side.slice(prefix.length);
}

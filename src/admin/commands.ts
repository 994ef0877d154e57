import type { Actor } from './actor.js';
import { AdminError, asAdminError } from './errors.js';
import type { AdminOperations } from './operations.js';
import { subjectFromWords } from './erase-subject.js';
import { erasureReportText } from './erasure-report.js';
import { ACTION_LEVELS, atLeast, type AdminAction } from './permissions.js';
import { DEFAULT_GRACE_DAYS } from './retirement.js';

const MAX_LINES = 40;

interface CommandSpec {
  usage: string;
  help: string;
  action: AdminAction;
  run(ops: AdminOperations, actor: Actor, args: string[]): Promise<string>;
}

const when = (ms: number | undefined): string =>
  ms ? new Date(ms).toISOString().replace('T', ' ').slice(0, 19) + ' UTC' : '';

/** At most MAX_LINES lines, saying how many were left out. */
function bounded(lines: string[], empty: string): string {
  if (lines.length === 0) return empty;
  if (lines.length <= MAX_LINES) return lines.join('\n');
  return [...lines.slice(0, MAX_LINES), `… and ${lines.length - MAX_LINES} more`].join('\n');
}

const encryptedTag = (at: number | null): string =>
  at === null ? '' : ` 🔒 encrypted since ${when(at)}: messages from Matrix do not cross`;

/** Portals that turned encrypted, for !status: each is a room whose messages stopped crossing. */
async function encryptedPortalLines(ops: AdminOperations, actor: Actor): Promise<string[]> {
  const encrypted = (await ops.listPortals(actor)).filter((p) => p.encryptedAt !== null);
  if (encrypted.length === 0) return [];
  return [
    'Encrypted rooms (messages from Matrix do not cross; link the channels to a new room):',
    ...encrypted.map(
      (p) => `  ${p.roomId}${p.name ? ` ${p.name}` : ''} since ${when(p.encryptedAt ?? 0)}`,
    ),
  ];
}

function usageError(spec: CommandSpec): AdminError {
  return new AdminError('INVALID_REQUEST', `usage: ${spec.usage}`);
}

const COMMANDS: Record<string, CommandSpec> = {
  help: {
    usage: '!help',
    help: 'what you can do here',
    action: 'help',
    run: async (ops, actor) => helpText(ops, actor),
  },
  list: {
    usage: '!list',
    help: 'bridged rooms and their channels',
    action: 'list_portals',
    run: async (ops, actor) => {
      const lines: string[] = [];
      for (const p of await ops.listPortals(actor)) {
        lines.push(`${p.name ? `${p.name} ` : ''}${p.roomId}${encryptedTag(p.encryptedAt)}`);
        for (const l of p.links) {
          lines.push(`  ↔ ${l.connector} ${l.workspace} ${l.channel} (${l.source})`);
        }
      }
      return bounded(lines, 'No room is bridged yet.');
    },
  },
  status: {
    usage: '!status',
    help: 'connection state of each platform workspace',
    action: 'connection_states',
    run: async (ops, actor) => {
      const lines = (await ops.connectionStates(actor)).map(
        (s) =>
          `${s.connector} ${s.workspace}: ${s.status} since ${when(s.since)}` +
          (s.error ? ` (${s.error})` : ''),
      );
      lines.push(...(await encryptedPortalLines(ops, actor)));
      if (atLeast(ops.levelOf(actor), ACTION_LEVELS.recent_failures)) {
        const failures = await ops.recentFailures(actor, 5);
        if (failures.length > 0) {
          lines.push('Recent delivery failures:');
          for (const f of failures)
            lines.push(`  ${when(f.at)} ${f.roomId ?? ''} ${f.error ?? ''}`);
        }
      }
      return bounded(lines, 'No connector has reported a state yet.');
    },
  },
  channels: {
    usage: '!channels <connector> <workspace>',
    help: 'channels the bridge can reach, for !link',
    action: 'list_channels',
    run: async (ops, actor, args) => {
      const [connector, workspace] = args;
      if (!connector || !workspace || args.length !== 2) throw usageError(COMMANDS.channels!);
      const lines = (await ops.listChannels(actor, connector, workspace)).map(
        (c) =>
          `${c.channel}  ${c.name}${c.visibility && c.visibility !== 'public' ? ` [${c.visibility}]` : ''}` +
          (c.linkedRoomId ? ` (linked to ${c.linkedRoomId})` : ''),
      );
      return bounded(lines, 'The bridge cannot reach any channel there.');
    },
  },
  link: {
    usage: '!link <connector> <workspace> <channel> <room id or #alias>',
    help: 'bridge a room with a channel (you need power to change the room state)',
    action: 'link',
    run: async (ops, actor, args) => {
      const [connector, workspace, channel, room] = args;
      if (!connector || !workspace || !channel || !room || args.length !== 4) {
        throw usageError(COMMANDS.link!);
      }
      if (!/^[!#][^:\s]+:\S+$/.test(room)) {
        throw new AdminError(
          'INVALID_REQUEST',
          `"${room}" is not a room id (!id:server) or alias (#alias:server)`,
        );
      }
      const r = await ops.link(actor, { room, connector, workspace, channel });
      return r.existed
        ? `${r.roomId} is already bridged with "${r.channelName}".`
        : `Linked ${r.roomId} with ${connector} channel "${r.channelName}" (${workspace}).`;
    },
  },
  unlink: {
    usage: '!unlink <connector> <workspace> <channel>',
    help: 'stop bridging a channel',
    action: 'unlink',
    run: async (ops, actor, args) => {
      const [connector, workspace, channel] = args;
      if (!connector || !workspace || !channel || args.length !== 3) {
        throw usageError(COMMANDS.unlink!);
      }
      const r = await ops.unlink(actor, { connector, workspace, channel });
      return `Unlinked ${connector} ${workspace} ${channel} from ${r.roomId}.`;
    },
  },
  retire: {
    usage: '!retire <connector> <workspace> <channel> [grace days, default 30]',
    help: 'end a channel after a migration: read-only now, unlinked after the grace period',
    action: 'retire',
    run: async (ops, actor, args) => {
      const [connector, workspace, channel, days] = args;
      if (!connector || !workspace || !channel || args.length > 4) {
        throw usageError(COMMANDS.retire!);
      }
      if (days !== undefined && !/^\d{1,3}$/.test(days)) {
        throw new AdminError('INVALID_REQUEST', `"${days}" is not a number of days (0 to 365)`);
      }
      const graceDays = days === undefined ? DEFAULT_GRACE_DAYS : Number(days);
      const r = await ops.retire(actor, { connector, workspace, channel }, graceDays);
      const until = new Date(r.retireUntil).toISOString().slice(0, 10);
      return r.already
        ? `${connector} ${workspace} ${channel} is already retired; it is unlinked on ${until}.`
        : `Retired ${connector} ${workspace} ${channel}: told the channel, unlinked on ${until}.`;
    },
  },
  login: {
    usage: '!login <connector> <workspace>',
    help: 'link your own platform account, so your messages appear as you',
    action: 'account_link',
    run: async (ops, actor, args) => {
      const [connector, workspace] = args;
      if (!connector || !workspace || args.length !== 2) throw usageError(COMMANDS.login!);
      const url = await ops.beginAccountLink(actor, connector, workspace);
      return `Open this link and sign in to link your account (it works once, for you only):\n${url}`;
    },
  },
  logout: {
    usage: '!logout <connector> <workspace>',
    help: 'unlink your own platform account',
    action: 'account_link',
    run: async (ops, actor, args) => {
      const [connector, workspace] = args;
      if (!connector || !workspace || args.length !== 2) throw usageError(COMMANDS.logout!);
      return (await ops.unlinkAccount(actor, connector, workspace))
        ? `Your ${connector} account (${workspace}) is no longer linked.`
        : `You had no linked ${connector} account (${workspace}).`;
    },
  },
  'erase-user': {
    usage: '!erase-user <@user:server> | <connector> <workspace> <platform user id>',
    help: "erase one person's data from the bridge (cannot be undone)",
    action: 'erase_user',
    run: async (ops, actor, args) => {
      const subject = subjectFromWords(args);
      if (!subject) throw usageError(COMMANDS['erase-user']!);
      return erasureReportText(await ops.eraseUser(actor, subject));
    },
  },
  audit: {
    usage: '!audit',
    help: 'the last administration actions',
    action: 'audit_list',
    run: async (ops, actor) => {
      const lines = (await ops.auditList(actor, { limit: 15 })).map(
        (e) =>
          `${when(e.at)} ${e.actor} via ${e.path}: ${e.action} ${e.outcome}` +
          [e.roomId, e.channel ? `${e.connector}/${e.workspace}/${e.channel}` : undefined]
            .filter(Boolean)
            .map((t) => ` ${t}`)
            .join('') +
          (e.detail ? ` — ${e.detail}` : ''),
      );
      return bounded(lines, 'The audit log is empty.');
    },
  },
};

function helpText(ops: AdminOperations, actor: Actor): string {
  const { level, scope } = ops.whoami(actor);
  const allowed = Object.values(COMMANDS).filter((c) => atLeast(level, ACTION_LEVELS[c.action]));
  const within = scope ? `, only in ${scope.join(', ')}` : '';
  return [
    `Your permission level: ${level}${within}. Commands:`,
    ...allowed.map((c) => `${c.usage} — ${c.help}`),
  ].join('\n');
}

/** Words of a command line; quotes are not needed (ids and aliases have no spaces). */
export function parseCommand(body: string): { name: string; args: string[] } | undefined {
  const trimmed = body.trim();
  if (!trimmed.startsWith('!')) return undefined;
  const [head, ...args] = trimmed.slice(1).split(/\s+/);
  if (!head) return undefined;
  return { name: head.toLowerCase(), args };
}

/**
 * Runs one admin-room command for `actor` and returns the reply text. Every command goes
 * through the shared operations, so permissions and the audit log are the same as the API's.
 */
export async function runCommand(
  ops: AdminOperations,
  actor: Actor,
  body: string,
): Promise<string | undefined> {
  const parsed = parseCommand(body);
  if (!parsed) return undefined;
  const spec = Object.hasOwn(COMMANDS, parsed.name) ? COMMANDS[parsed.name] : undefined;
  if (!spec) return `Unknown command !${parsed.name.slice(0, 40)}. Send !help for the list.`;
  try {
    return await spec.run(ops, actor, parsed.args);
  } catch (err) {
    const known = asAdminError(err);
    if (!known) throw err;
    return `✗ ${known.message}`;
  }
}

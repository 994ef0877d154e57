import { parseArgs } from 'node:util';
import type { BridgeConfig } from '../config/index.js';
import { adminSettings } from '../config/index.js';
import { BridgeError } from '../util/errors.js';
import { erasureReportLines } from '../admin/erasure-report.js';
import { AdminApiClient, bridgeUrl, type ApiAnswer } from './admin-client.js';
import {
  auditLines,
  channelLines,
  linkLines,
  list,
  portalLines,
  statusLines,
  retireLines,
  unlinkLines,
} from './admin-views.js';

export const ADMIN_COMMANDS = [
  'link',
  'unlink',
  'retire',
  'list',
  'status',
  'channels',
  'audit',
  'erase-user',
] as const;
export type AdminCommand = (typeof ADMIN_COMMANDS)[number];

/** What the administration commands read from the config: the listener and the secret. */
export type AdminCliConfig = Pick<BridgeConfig, 'appservice' | 'admin'>;

export interface CliOutput {
  out(text: string): void;
}

interface CommandRun {
  api: AdminApiClient;
  args: string[];
  limit: string | undefined;
}

/** What a subcommand got: the API's answer, and the same as lines for people. */
interface CommandResult {
  body: Record<string, unknown>;
  lines(): string[];
}

interface CommandSpec {
  /** After `matrix-platform-bridge `, for the usage error. */
  usage: string;
  /** How many positional arguments it takes (one of them, when it takes several forms). */
  arity: number | number[];
  run(c: CommandRun): Promise<CommandResult>;
}

const answered = (a: ApiAnswer, lines: (body: Record<string, unknown>) => string[]) => ({
  body: a.body,
  lines: () => lines(a.body),
});

/** `status` asks three things and answers them as one. */
async function status({ api }: CommandRun): Promise<CommandResult> {
  const connectors = await api.call('GET', '/connectors');
  const failures = await api.call('GET', '/failures?limit=10');
  const encrypted = list((await api.call('GET', '/portals')).body.portals).filter(
    (p) => typeof p.encrypted_at === 'number',
  );
  const body = { ...connectors.body, ...failures.body, encrypted_portals: encrypted };
  return { body, lines: () => statusLines(body) };
}

const isRoom = (arg: string | undefined): boolean => /^[!#]/.test(arg ?? '');

/**
 * `link`'s arguments in the room commands' order (`!link <connector> <workspace> <channel>
 * <room>`). Earlier releases took the room first; a room id or alias is told apart from a
 * connector id by its sigil, so that order still works.
 */
function roomLast(args: string[]): string[] {
  return isRoom(args[0]) && !isRoom(args[3]) ? [...args.slice(1), args[0] as string] : args;
}

const COMMANDS: Record<AdminCommand, CommandSpec> = {
  list: {
    usage: 'list',
    arity: 0,
    run: async ({ api }) => answered(await api.call('GET', '/portals'), portalLines),
  },
  status: { usage: 'status', arity: 0, run: status },
  channels: {
    usage: 'channels <connector> <workspace>',
    arity: 2,
    run: async ({ api, args }) => {
      const [connector, workspace] = args.map(encodeURIComponent);
      const path = `/connectors/${connector}/workspaces/${workspace}/channels`;
      return answered(await api.call('GET', path), channelLines);
    },
  },
  link: {
    usage: 'link <connector> <workspace> <channel> <room>',
    arity: 4,
    run: async ({ api, args }) => {
      const [connector, workspace, channel, room] = roomLast(args);
      const body = { room, connector, workspace, channel };
      return answered(await api.call('POST', '/links', body), linkLines);
    },
  },
  unlink: {
    usage: 'unlink <connector> <workspace> <channel>',
    arity: 3,
    run: async ({ api, args }) => {
      const a = await api.call('DELETE', `/links/${args.map(encodeURIComponent).join('/')}`);
      return answered(a, (body) => unlinkLines(body, args));
    },
  },
  retire: {
    usage: 'retire <connector> <workspace> <channel> [grace days, default 30]',
    arity: [3, 4],
    run: async ({ api, args }) => {
      const [days, ...channel] =
        args.length === 4 ? [args[3], ...args.slice(0, 3)] : [undefined, ...args];
      const body =
        days === undefined ? {} : { grace_days: /^\d+$/.test(days) ? Number(days) : days };
      const path = `/links/${channel.map((a) => encodeURIComponent(a ?? '')).join('/')}/retire`;
      return answered(await api.call('POST', path, body), retireLines);
    },
  },
  'erase-user': {
    usage: 'erase-user <@user:server> | erase-user <connector> <workspace> <platform user id>',
    arity: [1, 3],
    run: async ({ api, args }) => {
      const [first, workspace, userId] = args;
      const body =
        args.length === 1
          ? { matrix_user_id: first }
          : { connector: first, workspace, platform_user_id: userId };
      return answered(await api.call('POST', '/erasures', body), (b) =>
        erasureReportLines({
          pseudonym: typeof b.pseudonym === 'string' ? b.pseudonym : '',
          counts: (b.counts ?? {}) as Record<string, number>,
        }),
      );
    },
  },
  audit: {
    usage: 'audit [--limit N]',
    arity: 0,
    run: async ({ api, limit }) => {
      const path = `/audit?limit=${encodeURIComponent(limit ?? '25')}`;
      return answered(await api.call('GET', path), auditLines);
    },
  },
};

function parseCommandLine(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      config: { type: 'string', short: 'c' },
      url: { type: 'string' },
      as: { type: 'string' },
      json: { type: 'boolean', default: false },
      limit: { type: 'string' },
    },
  });
}

/**
 * Runs one administration subcommand against the running bridge's provisioning API, so
 * the bridge's own operations, permissions and audit log apply (path `cli`). Returns the
 * exit code.
 */
export async function runAdminCommand(
  command: AdminCommand,
  argv: string[],
  config: AdminCliConfig,
  io: CliOutput,
): Promise<number> {
  const { positionals, values } = parseCommandLine(argv);
  const secret = adminSettings(config).provisioning.secret;
  if (!secret) {
    throw new BridgeError(
      'CLI_NO_SECRET',
      'the CLI signs in with admin.provisioning.secret: set it in the config file',
    );
  }
  const spec = COMMANDS[command];
  if (![spec.arity].flat().includes(positionals.length)) {
    throw new BridgeError(
      'CLI_USAGE',
      `usage: matrix-platform-bridge ${spec.usage} (matrix-platform-bridge ${command} --help says more)`,
    );
  }
  const api = new AdminApiClient(
    `${bridgeUrl(config, values.url)}/_bridge/admin/v1`,
    secret,
    values.as,
  );
  const result = await spec.run({ api, args: positionals, limit: values.limit });
  io.out(
    values.json ? `${JSON.stringify(result.body, null, 2)}\n` : `${result.lines().join('\n')}\n`,
  );
  return 0;
}

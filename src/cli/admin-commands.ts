import { parseArgs } from 'node:util';
import type { BridgeConfig } from '../config/index.js';
import { adminSettings } from '../config/index.js';
import { isErrorCode } from '../util/error-registry.js';
import { BridgeError } from '../util/errors.js';

export const ADMIN_COMMANDS = ['link', 'unlink', 'list', 'status', 'channels', 'audit'] as const;
export type AdminCommand = (typeof ADMIN_COMMANDS)[number];

export const ADMIN_USAGE = `administration (talks to the running bridge with admin.provisioning.secret):
  list                                               bridged rooms and their channels
  status                                             connection states and recent delivery failures
  channels <connector> <workspace>                   channels the bridge can reach
  link <room> <connector> <workspace> <channel>      link a room (id or alias) with a channel
  unlink <connector> <workspace> <channel>           unlink a channel
  audit [--limit N]                                  the audit log, newest first
  options: -c config.yaml  --url <bridge URL>  --as <@user:server>  --json
`;

export interface CliOutput {
  out(text: string): void;
}

interface ApiAnswer {
  status: number;
  body: Record<string, unknown>;
}

/** The bridge's own listener, as seen from this machine. */
function bridgeUrl(config: BridgeConfig, override: string | undefined): string {
  if (override) return override.replace(/\/+$/, '');
  const host = config.appservice.bind_address;
  const reachable = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${config.appservice.port}`;
}

const when = (ms: unknown): string =>
  typeof ms === 'number' ? new Date(ms).toISOString().replace('T', ' ').slice(0, 19) : '';

const list = (v: unknown): Array<Record<string, unknown>> =>
  Array.isArray(v) ? (v as Array<Record<string, unknown>>) : [];

const text = (v: unknown): string => (v === undefined || v === null ? '' : String(v));

/** An encrypted portal's messages from Matrix stop crossing; the operator must see that. */
const encryptedNote = (at: unknown): string =>
  typeof at === 'number'
    ? `  [encrypted since ${when(at)}: messages from Matrix do not cross]`
    : '';

/**
 * Runs one administration subcommand against the running bridge's provisioning API, so
 * the bridge's own operations, permissions and audit log apply (path `cli`). Returns the
 * exit code.
 */
export async function runAdminCommand(
  command: AdminCommand,
  argv: string[],
  config: BridgeConfig,
  io: CliOutput,
): Promise<number> {
  const { positionals, values } = parseArgs({
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
  const secret = adminSettings(config).provisioning.secret;
  if (!secret) {
    throw new BridgeError(
      'CLI_NO_SECRET',
      'the CLI signs in with admin.provisioning.secret: set it in the config file',
    );
  }
  const base = `${bridgeUrl(config, values.url)}/_bridge/admin/v1`;
  const call = async (method: string, path: string, body?: unknown): Promise<ApiAnswer> => {
    const url = new URL(`${base}${path}`);
    if (values.as) url.searchParams.set('user_id', values.as);
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers: {
          authorization: `Bearer ${secret}`,
          'x-admin-path': 'cli',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (err) {
      throw new BridgeError(
        'CLI_BRIDGE_UNREACHABLE',
        `cannot reach the bridge at ${base} (${(err as Error).message}); is it running? (--url to change)`,
      );
    }
    const answer = (await res.json().catch(() => ({}))) as Record<string, unknown>;
    if (!res.ok) {
      const code = text(answer.code);
      // The bridge answers with its registry's codes; anything else is reported as ours.
      throw new BridgeError(
        isErrorCode(code) ? code : 'CLI_REQUEST_FAILED',
        `${text(answer.error) || `the bridge answered ${res.status}`}`,
      );
    }
    return { status: res.status, body: answer };
  };
  const args = positionals;
  const need = (n: number, usage: string): void => {
    if (args.length !== n)
      throw new BridgeError('CLI_USAGE', `usage: matrix-platform-bridge ${usage}`);
  };
  const show = (answer: ApiAnswer, human: () => string[]): number => {
    io.out(values.json ? `${JSON.stringify(answer.body, null, 2)}\n` : `${human().join('\n')}\n`);
    return 0;
  };

  switch (command) {
    case 'list': {
      need(0, 'list');
      const a = await call('GET', '/portals');
      return show(a, () => {
        const portals = list(a.body.portals);
        if (portals.length === 0) return ['no room is bridged'];
        return portals.flatMap((p) => [
          `${text(p.room_id)}${p.name ? `  (${text(p.name)})` : ''}${encryptedNote(p.encrypted_at)}`,
          ...list(p.links).map(
            (l) =>
              `  ↔ ${text(l.connector)} ${text(l.workspace)} ${text(l.channel)}  [${text(l.source)}, ${text(l.created_by)}]`,
          ),
        ]);
      });
    }
    case 'status': {
      need(0, 'status');
      const connectors = await call('GET', '/connectors');
      const failures = await call('GET', '/failures?limit=10');
      const encrypted = list((await call('GET', '/portals')).body.portals).filter(
        (p) => typeof p.encrypted_at === 'number',
      );
      const body = { ...connectors.body, ...failures.body, encrypted_portals: encrypted };
      return show({ status: 200, body }, () => [
        ...list(connectors.body.connectors).flatMap((c) =>
          list(c.workspaces).map(
            (w) =>
              `${text(c.id)} ${text(w.workspace)}: ${text(w.status)}${w.since ? ` since ${when(w.since)}` : ''}${w.error ? ` (${text(w.error)})` : ''}`,
          ),
        ),
        `recent delivery failures: ${list(failures.body.failures).length}`,
        ...list(failures.body.failures).map(
          (f) => `  ${when(f.at)} ${text(f.room_id)} ${text(f.source)}: ${text(f.error)}`,
        ),
        ...encrypted.map(
          (p) => `encrypted room ${text(p.room_id)}${encryptedNote(p.encrypted_at)}`,
        ),
      ]);
    }
    case 'channels': {
      need(2, 'channels <connector> <workspace>');
      const [connector, workspace] = args.map(encodeURIComponent);
      const a = await call('GET', `/connectors/${connector}/workspaces/${workspace}/channels`);
      return show(a, () =>
        list(a.body.channels).map(
          (c) =>
            `${text(c.channel)}  ${text(c.name)}` +
            (c.visibility && c.visibility !== 'public' ? `  [${text(c.visibility)}]` : '') +
            (c.linked_room_id ? `  (linked to ${text(c.linked_room_id)})` : ''),
        ),
      );
    }
    case 'link': {
      need(4, 'link <room> <connector> <workspace> <channel>');
      const [room, connector, workspace, channel] = args;
      const a = await call('POST', '/links', { room, connector, workspace, channel });
      return show(a, () => [
        a.body.existed
          ? `already linked: ${text(a.body.room_id)} ↔ ${text(a.body.channel_name)}`
          : `linked ${text(a.body.room_id)} ↔ ${text(a.body.connector)} "${text(a.body.channel_name)}"`,
      ]);
    }
    case 'unlink': {
      need(3, 'unlink <connector> <workspace> <channel>');
      const a = await call('DELETE', `/links/${args.map(encodeURIComponent).join('/')}`);
      return show(a, () => [
        `unlinked ${args.join(' ')} from ${text(a.body.room_id)}` +
          (a.body.portal_removed ? ' (the room is no longer bridged)' : ''),
      ]);
    }
    case 'audit': {
      need(0, 'audit [--limit N]');
      const limit = values.limit ?? '25';
      const a = await call('GET', `/audit?limit=${encodeURIComponent(limit)}`);
      return show(a, () =>
        list(a.body.entries).map(
          (e) =>
            `${when(e.at)}  ${text(e.actor)} via ${text(e.path)}: ${text(e.action)} ${text(e.outcome)}` +
            (e.room_id ? `  ${text(e.room_id)}` : '') +
            (e.channel ? `  ${text(e.connector)}/${text(e.workspace)}/${text(e.channel)}` : '') +
            (e.detail ? `  — ${text(e.detail)}` : ''),
        ),
      );
    }
  }
}

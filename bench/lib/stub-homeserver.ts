/**
 * A homeserver stub for the capacity benchmark (P0): it answers every client-server call the
 * bridge makes at once, from memory, so what is measured is the bridge's own work and not
 * Synapse's. It also plays the homeserver's other half: it pushes appservice transactions to
 * the bridge, as Synapse does, and counts the messages the bridge sends into rooms.
 *
 * Not a homeserver: no auth beyond the appservice token, no federation, no history. Calls it
 * does not know are answered `{}` and listed in `unknownRoutes`, so a new call the bridge
 * starts making shows up in the benchmark's output instead of failing it.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StubSend {
  roomId: string;
  sender: string;
  body: string;
}

export interface StubHomeserverOptions {
  serverName: string;
  asToken: string;
  /** The appservice's own user (`sender_localpart`), for calls without `user_id`. */
  botUserId: string;
  /** Who is joined to each room from the start (the Matrix users of the world). */
  members: string[];
}

type Reply = [status: number, body: unknown];
type Handler = (m: RegExpMatchArray, req: Request) => Reply;

interface Request {
  method: string;
  userId: string;
  query: URLSearchParams;
  body: Record<string, unknown>;
}

const CLIENT = '/_matrix/client/(?:v3|r0|v1)';

export class StubHomeserver {
  /** Every `m.room.message` the bridge sent, in arrival order. */
  readonly sends: StubSend[] = [];
  /** Calls the stub answered with a bare `{}` because it has no handler for them. */
  readonly unknownRoutes = new Set<string>();
  private readonly members = new Map<string, Set<string>>();
  private readonly seenTxns = new Set<string>();
  private readonly listeners = new Set<() => void>();
  private server: Server | undefined;
  private nextEvent = 0;
  url = '';

  constructor(private readonly o: StubHomeserverOptions) {}

  async start(): Promise<void> {
    const server = createServer((req, res) => void this.handle(req, res));
    server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }

  /** Resolves once `count` sends match `match` (or rejects after `timeoutMs`). */
  waitForSends(match: (s: StubSend) => boolean, count: number, timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (this.sends.filter(match).length < count) return;
        this.listeners.delete(check);
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.listeners.delete(check);
        const seen = this.sends.filter(match).length;
        reject(new Error(`stub homeserver: ${seen} of ${count} sends after ${timeoutMs} ms`));
      }, timeoutMs);
      this.listeners.add(check);
      check();
    });
  }

  private readonly routes: [RegExp, Handler][] = [
    [/^\/_matrix\/client\/versions$/, () => [200, { versions: ['v1.1', 'v1.5', 'v1.11'] }]],
    [new RegExp(`^${CLIENT}/account/whoami$`), (_, r) => [200, { user_id: r.userId }]],
    [new RegExp(`^${CLIENT}/register$`), (_, r) => this.register(r)],
    [new RegExp(`^${CLIENT}/(?:join|rooms)/([^/]+)(?:/join)?$`), (m, r) => this.join(m[1]!, r)],
    [new RegExp(`^${CLIENT}/rooms/([^/]+)/leave$`), (m, r) => this.leave(m[1]!, r)],
    [new RegExp(`^${CLIENT}/rooms/([^/]+)/send/([^/]+)/([^/]+)$`), (m, r) => this.send(m, r)],
    [new RegExp(`^${CLIENT}/rooms/([^/]+)/redact/`), () => [200, { event_id: this.eventId() }]],
    [new RegExp(`^${CLIENT}/rooms/([^/]+)/joined_members$`), (m) => this.joinedMembers(m[1]!)],
    [new RegExp(`^${CLIENT}/rooms/([^/]+)/members$`), (m) => this.memberEvents(m[1]!)],
    [new RegExp(`^${CLIENT}/rooms/([^/]+)/messages$`), () => this.emptyPage()],
    [new RegExp(`^${CLIENT}/rooms/([^/]+)/state/([^/]+)/?([^/]*)$`), (m, r) => this.state(m, r)],
    [new RegExp(`^${CLIENT}/rooms/([^/]+)/state$`), (m) => this.fullState(m[1]!)],
    [
      new RegExp(`^${CLIENT}/joined_rooms$`),
      () => [200, { joined_rooms: [...this.members.keys()] }],
    ],
    [new RegExp(`^${CLIENT}/profile/([^/]+)(?:/([a-z_]+))?$`), (m, r) => this.profile(m, r)],
    [
      /^\/_matrix\/media\/v3\/upload$/,
      () => [200, { content_uri: `mxc://${this.o.serverName}/m${this.eventId()}` }],
    ],
  ];

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://stub');
    const raw = await readBody(req);
    const reply = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (
      req.headers.authorization !== `Bearer ${this.o.asToken}` &&
      !url.pathname.endsWith('/versions')
    ) {
      reply(401, { errcode: 'M_UNKNOWN_TOKEN', error: 'stub: wrong appservice token' });
      return;
    }
    const request: Request = {
      method: req.method ?? 'GET',
      userId: url.searchParams.get('user_id') ?? this.o.botUserId,
      query: url.searchParams,
      body: parseJson(raw),
    };
    for (const [pattern, handler] of this.routes) {
      const m = url.pathname.match(pattern);
      if (m)
        return reply(
          ...handler(m.map((s) => (s ? decodeURIComponent(s) : s)) as RegExpMatchArray, request),
        );
    }
    this.unknownRoutes.add(
      `${request.method} ${url.pathname.replace(/![^/]+|@[^/]+|\$[^/]+/g, ':id')}`,
    );
    reply(200, {});
  }

  private eventId(): string {
    return `$stub${++this.nextEvent}`;
  }

  private room(roomId: string): Set<string> {
    let set = this.members.get(roomId);
    if (!set) {
      set = new Set(this.o.members);
      this.members.set(roomId, set);
    }
    return set;
  }

  private register(r: Request): Reply {
    const username = typeof r.body.username === 'string' ? r.body.username : 'user';
    return [200, { user_id: `@${username}:${this.o.serverName}` }];
  }

  private join(roomIdOrAlias: string, r: Request): Reply {
    this.room(roomIdOrAlias).add(r.userId);
    return [200, { room_id: roomIdOrAlias }];
  }

  private leave(roomId: string, r: Request): Reply {
    this.room(roomId).delete(r.userId);
    return [200, {}];
  }

  private send(m: RegExpMatchArray, r: Request): Reply {
    const [, roomId, type, txn] = m as unknown as [string, string, string, string];
    const key = `${r.userId}|${txn}`;
    if (!this.seenTxns.has(key) && type === 'm.room.message') {
      this.seenTxns.add(key);
      this.sends.push({ roomId, sender: r.userId, body: String(r.body.body ?? '') });
      for (const listener of [...this.listeners]) listener();
    }
    return [200, { event_id: this.eventId() }];
  }

  private joinedMembers(roomId: string): Reply {
    const joined = Object.fromEntries([...this.room(roomId)].map((u) => [u, { display_name: u }]));
    return [200, { joined }];
  }

  private memberEvents(roomId: string): Reply {
    return [200, { chunk: [...this.room(roomId)].map((u) => memberEvent(roomId, u)) }];
  }

  private emptyPage(): Reply {
    return [200, { chunk: [], start: 't0', end: 't0' }];
  }

  private state(m: RegExpMatchArray, r: Request): Reply {
    const [, roomId, type, key] = m as unknown as [string, string, string, string];
    if (r.method === 'PUT') return [200, { event_id: this.eventId() }];
    if (type === 'm.room.member' && this.room(roomId).has(key))
      return [200, { membership: 'join', displayname: key.slice(1).split(':')[0] }];
    if (type === 'm.room.create') return [200, { creator: this.o.members[0], room_version: '10' }];
    if (type === 'm.room.power_levels') return [200, powerLevels(this.room(roomId))];
    return [404, { errcode: 'M_NOT_FOUND', error: 'stub: no such state' }];
  }

  private fullState(roomId: string): Reply {
    const members = [...this.room(roomId)].map((u) => memberEvent(roomId, u));
    const create = {
      type: 'm.room.create',
      state_key: '',
      room_id: roomId,
      content: { room_version: '10' },
    };
    const power = {
      type: 'm.room.power_levels',
      state_key: '',
      room_id: roomId,
      content: powerLevels(this.room(roomId)),
    };
    return [200, [create, power, ...members]];
  }

  private profile(m: RegExpMatchArray, r: Request): Reply {
    const [, userId, field] = m as unknown as [string, string, string | undefined];
    if (r.method === 'PUT') return [200, {}];
    const profile = { displayname: userId.slice(1).split(':')[0] };
    return [200, field === 'avatar_url' ? {} : profile];
  }
}

function memberEvent(roomId: string, userId: string): Record<string, unknown> {
  return {
    type: 'm.room.member',
    state_key: userId,
    sender: userId,
    room_id: roomId,
    event_id: `$member-${userId}`,
    content: { membership: 'join' },
  };
}

function powerLevels(members: Set<string>): Record<string, unknown> {
  return {
    users: Object.fromEntries([...members].map((u) => [u, 100])),
    users_default: 0,
    events_default: 0,
    state_default: 50,
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function parseJson(raw: string): Record<string, unknown> {
  if (!raw) return {};
  try {
    const v = JSON.parse(raw) as unknown;
    return v && typeof v === 'object' ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

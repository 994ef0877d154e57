import { waitFor } from '../harness/wait.js';
import { DEFAULT_NAME_TEMPLATES, DisplayNames } from '../../src/core/display-names.js';
import type { Knex } from 'knex';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { capabilitiesOf } from '../../src/connector/capabilities.js';
import type { Connector, OutboundMessage } from '../../src/connector/contract.js';
import { RemoteApiError } from '../../src/connector/errors.js';
import { ConnectorRegistry, type DeliveryDeps } from '../../src/core/delivery/deps.js';
import { Dispatcher } from '../../src/core/delivery/dispatcher.js';
import { GhostIdCodec } from '../../src/core/ids.js';
import { Intake } from '../../src/core/intake.js';
import { PortalDirectory } from '../../src/core/portal-directory.js';
import { PortalWorkers } from '../../src/core/workers.js';
import type { MatrixEvent } from '../../src/matrix/durable-appservice.js';
import type { MatrixGateway } from '../../src/matrix/matrix-gateway.js';
import { createStores, openDatabase, type Stores } from '../../src/store/index.js';
import { silentLogger } from '../../src/util/logger.js';

const ROOM = '!portal:example.org';
const BOT = '@bridge:example.org';
const MARIA = '@maria:example.org';
const BOB = '@bob:example.org';
const GHOST = '@_bridge_chat-x_main_u1:example.org';
const MEGOLM = { algorithm: 'm.megolm.v1.aes-sha2' };

interface Sent {
  roomId: string;
  content: Record<string, unknown>;
}

/** Matrix as the homeserver would take it: a repeated transaction id is the same event. */
class FakeGateway {
  readonly botUserId = BOT;
  readonly events = new Map<string, Sent>();
  calls = 0;
  /** Content of the room's m.room.encryption state, as the homeserver would answer it. */
  encryptionState: Record<string, unknown> | null = null;

  intent() {
    return { getStateEvent: async () => this.encryptionState };
  }

  async sendEvent(
    _userId: string,
    roomId: string,
    _type: string,
    content: Record<string, unknown>,
    txn: string,
  ): Promise<string> {
    this.calls += 1;
    if (!this.events.has(txn)) this.events.set(txn, { roomId, content });
    return `$sent-${txn}`;
  }

  notices(): Sent[] {
    return [...this.events.values()];
  }
}

/** A platform that records posts; the first `failures` sends answer 503. */
function recordingConnector(posts: Array<{ channel: string; message: OutboundMessage }>) {
  const state = { failures: 0 };
  const connector: Connector = {
    start: async () => undefined,
    stop: async () => undefined,
    capabilities: () => ({
      threads: true,
      maxTextLength: 4000,
    }),
    getChatInfo: async () => ({ name: 'x' }),
    getUserInfo: async () => ({ displayName: 'x' }),
    downloadAvatar: async () => ({ data: Buffer.alloc(0), mimetype: 'image/png' }),
    sendMessage: async (ref, message) => {
      if (state.failures > 0) {
        state.failures -= 1;
        throw RemoteApiError.fromStatus(503, 'Chat X answered 503');
      }
      posts.push({ channel: ref.channel, message });
      return { messageIds: [`p${posts.length}`] };
    },
  };
  return { connector, state };
}

/** The bridge's Matrix-to-platform pipeline over a real database: intake, inbox, workers. */
class Bridge {
  readonly directory: PortalDirectory;
  readonly intake: Intake;
  readonly workers: PortalWorkers;

  constructor(stores: Stores, gateway: FakeGateway, connectors: ConnectorRegistry) {
    this.directory = new PortalDirectory(stores.portals);
    const codec = new GhostIdCodec('_bridge_', 'example.org');
    const deps = {
      stores,
      directory: this.directory,
      gateway: gateway as unknown as MatrixGateway,
      connectors,
      ghosts: undefined as never,
      members: undefined as never,
      codec,
      mediaProxy: undefined as never,
      media: undefined as never,
      limits: { maxFileSize: 1_000_000, maxTextLength: 4000 },
      log: silentLogger(),
      txnSalt: 'salt',
      names: new DisplayNames(DEFAULT_NAME_TEMPLATES, (id) => id),
    } satisfies DeliveryDeps;
    const dispatcher = new Dispatcher(
      deps,
      { maxAttempts: 5, initialDelayMs: 10, maxDelayMs: 50 },
      true,
    );
    this.workers = new PortalWorkers(stores.inbox, (i) => dispatcher.process(i), silentLogger());
    this.intake = new Intake(
      stores.inbox,
      this.directory,
      codec,
      () => BOT,
      (ids) => this.workers.wake(ids),
      () => undefined,
      silentLogger(),
    );
  }

  async receive(...events: MatrixEvent[]): Promise<void> {
    await this.intake.recordTransaction(events);
    await this.workers.idle();
  }
}

let db: Knex;
let stores: Stores;
let gateway: FakeGateway;
let posts: Array<{ channel: string; message: OutboundMessage }>;
let chatX: ReturnType<typeof recordingConnector>;
let connectors: ConnectorRegistry;
let bridge: Bridge;
let n = 0;

const event = (type: string, sender: string, extra: Partial<MatrixEvent> = {}): MatrixEvent => ({
  event_id: `$e${++n}`,
  room_id: ROOM,
  sender,
  type,
  content: MEGOLM,
  ...extra,
});
const turnedOn = (sender = MARIA): MatrixEvent =>
  event('m.room.encryption', sender, { state_key: '' });
const encrypted = (sender: string): MatrixEvent =>
  event('m.room.encrypted', sender, { content: { ...MEGOLM, ciphertext: 'AwgA' } });

async function until(what: string, check: () => boolean): Promise<void> {
  await waitFor(check, { what });
  await bridge.workers.idle();
}

beforeAll(async () => {
  db = await openDatabase({ dataDir: 'memory://' });
  stores = createStores(db);
}, 60_000);

afterAll(async () => {
  await db?.destroy();
});

beforeEach(async () => {
  await db.raw('truncate portals, inbox cascade');
  gateway = new FakeGateway();
  posts = [];
  chatX = recordingConnector(posts);
  const chatY = recordingConnector(posts);
  connectors = new ConnectorRegistry();
  connectors.add({ id: 'chat-x', displayName: 'Chat X', ...withCaps(chatX.connector) });
  connectors.add({ id: 'chat-y', displayName: 'Chat Y', ...withCaps(chatY.connector) });
  bridge = new Bridge(stores, gateway, connectors);
  await bridge.directory.link(
    ROOM,
    { connector: 'chat-x', workspace: 'main', channel: 'c1' },
    'api',
  );
  await bridge.directory.link(ROOM, { connector: 'chat-y', workspace: 'w', channel: 'c2' }, 'api');
});

afterEach(async () => {
  vi.restoreAllMocks();
  await bridge.workers.stop();
});

function withCaps(connector: Connector) {
  return { connector, capabilities: capabilitiesOf(connector) };
}

async function mark() {
  const portal = bridge.directory.portalByRoom(ROOM);
  return stores.encryption.forPortal(portal!.id);
}

describe('a portal room that turns encrypted', () => {
  it('is marked and announced once: a notice in the room, one message per channel', async () => {
    const on = turnedOn();
    await bridge.receive(on);
    expect(await mark()).toMatchObject({
      eventId: on.event_id,
      sender: MARIA,
      algorithm: MEGOLM.algorithm,
    });
    const [notice, ...more] = gateway.notices();
    expect(more).toEqual([]);
    expect(notice).toMatchObject({ roomId: ROOM, content: { msgtype: 'm.notice' } });
    expect(notice!.content.body).toContain(`${MARIA} turned on end-to-end encryption`);
    expect(notice!.content.body).toContain('Chat X channel c1 (main) and Chat Y channel c2 (w)');
    expect(posts.map((p) => p.channel).sort()).toEqual(['c1', 'c2']);
    for (const p of posts) {
      expect(p.message.sender).toMatchObject({ userId: BOT, displayName: 'Matrix bridge' });
      expect(p.message.content.notice).toBe(true);
      expect(JSON.stringify(p.message.content.text)).toContain(
        'messages from Matrix can no longer cross',
      );
    }
  });

  it('repeats nothing for a replayed transaction, a later encryption event or a restart', async () => {
    const on = turnedOn();
    await bridge.receive(on);
    await bridge.receive(on);
    await bridge.receive(turnedOn(BOB)); // e.g. a new rotation period: still the same state
    await bridge.workers.stop();
    bridge = new Bridge(stores, gateway, connectors); // a restart over the same database
    await bridge.directory.load();
    await bridge.workers.resume();
    await bridge.receive(on);
    expect(gateway.notices()).toHaveLength(1);
    expect(posts).toHaveLength(2);
    expect((await mark())?.eventId).toBe(on.event_id);
  });

  it('retries a failed channel without repeating the notices already delivered', async () => {
    chatX.state.failures = 2;
    await bridge.receive(turnedOn());
    await until('the retried channel message', () => posts.length === 2);
    expect(gateway.calls).toBe(1);
    expect(posts.map((p) => p.channel).sort()).toEqual(['c1', 'c2']);
  });

  it('is found from the first encrypted message when the state event was never seen', async () => {
    gateway.encryptionState = MEGOLM;
    const first = encrypted(MARIA);
    await bridge.receive(first);
    expect((await mark())?.eventId).toBe(first.event_id);
    expect(gateway.notices()).toHaveLength(1);
    expect(gateway.notices()[0]!.content.body).toContain('turned on end-to-end encryption');
    expect(posts).toHaveLength(2);
  });
});

describe('encrypted messages in an encrypted portal', () => {
  const reminders = () =>
    gateway
      .notices()
      .filter((s) => String(s.content.body).includes('cannot read encrypted messages, so yours'));

  it('earn each sender one reminder per period, never a silent drop', async () => {
    await bridge.receive(turnedOn());
    await bridge.receive(encrypted(MARIA), encrypted(MARIA), encrypted(MARIA));
    await bridge.receive(encrypted(BOB));
    expect(reminders().map((r) => r.content['m.mentions'])).toEqual([
      { user_ids: [MARIA] },
      { user_ids: [BOB] },
    ]);
    expect(String(reminders()[0]!.content.body)).toMatch(/^🔒 @maria:example.org: /);
    expect(posts).toHaveLength(2); // only the announcement: nothing encrypted crosses

    const now = Date.now();
    vi.spyOn(Date, 'now').mockImplementation(() => now + 61 * 60 * 1000);
    await bridge.receive(encrypted(MARIA));
    expect(reminders()).toHaveLength(3);
  });

  it('lets a retried delivery of the same reminder through, but not another event', async () => {
    const portal = bridge.directory.portalByRoom(ROOM)!.id;
    const claim = (eventId: string, at: number) =>
      stores.encryption.claimReminder(portal, MARIA, eventId, at, 1000);
    expect(await claim('$a', 10_000)).toBe(true);
    expect(await claim('$a', 10_001)).toBe(true);
    expect(await claim('$b', 10_500)).toBe(false);
    expect(await claim('$b', 11_002)).toBe(true);
  });
});

describe('an encrypted message in a room whose state is not encrypted', () => {
  it('marks and announces nothing (anyone may send one), but reminds its sender', async () => {
    await bridge.receive(encrypted(MARIA), encrypted(MARIA));
    expect(await mark()).toBeUndefined();
    expect(posts).toEqual([]);
    const [reminder, ...more] = gateway.notices();
    expect(more).toEqual([]);
    expect(reminder?.content['m.mentions']).toEqual({ user_ids: [MARIA] });
  });
});

describe('events that do not show encryption change nothing', () => {
  const hostile: Array<[string, () => MatrixEvent]> = [
    [
      'm.room.encryption with state key "x"',
      () => event('m.room.encryption', MARIA, { state_key: 'x' }),
    ],
    ['m.room.encryption as a timeline event', () => event('m.room.encryption', MARIA)],
    ['m.room.encrypted sent as state', () => event('m.room.encrypted', MARIA, { state_key: '' })],
    ['m.room.encryption from the bridge bot', () => turnedOn(BOT)],
    ['m.room.encryption from a ghost', () => turnedOn(GHOST)],
    ['m.room.encrypted from a ghost', () => encrypted(GHOST)],
    [
      'm.room.encryption in a room with no portal',
      () => ({ ...turnedOn(), room_id: '!other:example.org' }),
    ],
    [
      'm.room.encrypted in a room with no portal',
      () => ({ ...encrypted(MARIA), room_id: '!other:example.org' }),
    ],
  ];
  it.each(hostile)('%s', async (_, make) => {
    await bridge.receive(make());
    expect(await mark()).toBeUndefined();
    expect(gateway.calls).toBe(0);
    expect(posts).toEqual([]);
  });
});

import { CatchUpKit } from '../../src/connector/catch-up-kit.js';
import type { CursorRow, CursorRows } from '../../src/connector/cursor-book.js';
import type {
  ConnectionState,
  Connector,
  ConnectorContext,
  ConnectorStorage,
  LinkedChannel,
  WebhookHandler,
} from '../../src/connector/contract.js';
import type { KnownReaction, ReactionMemory } from '../../src/connector/reaction-snapshots.js';
import type { WebhookRouter } from '../../src/app/webhooks.js';
import type { RemoteEvent } from '../../src/connector/events.js';
import { silentLogger } from '../../src/util/logger.js';
import { DEFAULT_WAIT_MS, waitFor as waitUntil } from '../harness/wait.js';

/** A ConnectorContext that records what the connector does, for the contract suite. */
export class RecordingContext implements ConnectorContext {
  readonly connectorId: string;
  readonly logger = silentLogger();
  readonly events: RemoteEvent[] = [];
  readonly states: Array<{ workspace: string } & ConnectionState> = [];
  readonly storage: ConnectorStorage;
  readonly reactions: ReactionMemory;
  /** The key/value store (cursors and reaction memory too), for a connector started later. */
  readonly store: Map<string, string>;
  readonly cursors: ConnectorContext['cursors'];
  readonly catchUp: ConnectorContext['catchUp'];
  /** The core's catch-up machinery, as the bridge runs it (cursors kept in `store`). */
  readonly kit: CatchUpKit;
  private readonly recordLive: ConnectorContext['emit'];

  constructor(
    connectorId: string,
    private readonly links: LinkedChannel[],
    private readonly webhooks: WebhookRouter,
    store = new Map<string, string>(),
  ) {
    this.connectorId = connectorId;
    this.store = store;
    this.storage = {
      get: async (key: string) => store.get(key),
      set: async (key: string, value: string) => void store.set(key, value),
      delete: async (key: string) => void store.delete(key),
    };
    this.reactions = memoryReactions(store);
    this.kit = new CatchUpKit({
      rows: memoryCursorRows(store),
      linkedChannels: () => this.linkedChannels(),
      record: async (event) => void this.events.push(event),
      log: this.logger,
      flushMs: 10,
      catchUp: { initialDelayMs: 50, maxDelayMs: 1000 },
    });
    const members = this.kit.contextMembers();
    this.cursors = members.cursors;
    this.catchUp = members.catchUp;
    this.recordLive = members.emit;
  }

  /**
   * Binds the core's catch-up to a connector made with this context, and wraps its start and
   * stop as the bridge does (catch-up armed before start, stopped before stop, cursors saved
   * after); returns it.
   */
  connect<C extends Connector>(connector: C): C {
    return connectThroughKit(this.kit, connector);
  }

  emit(event: RemoteEvent): Promise<void> {
    return this.recordLive(event);
  }

  registerWebhook(handler: WebhookHandler): string {
    return this.webhooks.register(this.connectorId, handler);
  }

  reportState(workspace: string, state: ConnectionState): void {
    this.states.push({ workspace, ...state });
  }

  async linkedChannels(): Promise<LinkedChannel[]> {
    return this.links;
  }

  lastState(workspace: string): ConnectionState | undefined {
    return this.states.filter((s) => s.workspace === workspace).at(-1);
  }
}

const CURSOR_PREFIX = '\u0000cursor:';

/** Cursor rows kept in the context's key/value map, so a restarted connector finds them. */
export function memoryCursorRows(store: Map<string, string>): CursorRows {
  return {
    load: async () =>
      [...store]
        .filter(([k]) => k.startsWith(CURSOR_PREFIX))
        .map(([, v]) => JSON.parse(v) as CursorRow),
    save: async (rows) => {
      for (const r of rows) {
        store.set(
          CURSOR_PREFIX + JSON.stringify([r.workspace, r.channel, r.thread]),
          JSON.stringify(r),
        );
      }
    },
  };
}

/**
 * The core's reaction memory (a table in the bridge) kept in the same map as the key/value
 * store, so a connector started after another with that map remembers what it passed on.
 */
export function memoryReactions(store: Map<string, string>): ReactionMemory {
  const slot = (ref: { workspace: string; channel: string }, id: string) =>
    `core-reaction-memory\u0000${ref.workspace}\u0000${ref.channel}\u0000${id}`;
  const load = (key: string): KnownReaction[] => JSON.parse(store.get(key) ?? '[]');
  return {
    load: async (ref, id) => load(slot(ref, id)),
    loadMany: async (ref, ids) => new Map(ids.map((id) => [id, load(slot(ref, id))])),
    save: async (ref, id, reactions) => {
      const merged = new Map(load(slot(ref, id)).map((r) => [`${r.user}\u0000${r.reaction}`, r]));
      for (const r of reactions) merged.set(`${r.user}\u0000${r.reaction}`, { ...r });
      store.set(slot(ref, id), JSON.stringify([...merged.values()]));
    },
  };
}

/** Polls `probe` until it is truthy (see test/harness/wait.ts); `what` names it in the error. */
export function waitFor<T>(
  what: string,
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = DEFAULT_WAIT_MS,
): Promise<T> {
  return waitUntil(probe, { what, timeoutMs });
}

/**
 * Binds `kit` (the core's catch-up) to `connector` and wraps its start and stop as the bridge
 * does: catch-up armed before start, stopped before stop, cursors saved after.
 */
export function connectThroughKit<C extends Connector>(kit: CatchUpKit, connector: C): C {
  kit.bind(connector);
  const start = connector.start.bind(connector);
  const stop = connector.stop.bind(connector);
  connector.start = async () => {
    kit.runner.start();
    await start();
  };
  connector.stop = async () => {
    await kit.stopCatchUp();
    await stop();
    await kit.flush();
  };
  return connector;
}

import type {
  ConnectionState,
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
  /** The key/value store, to hand to a connector started after this one. */
  readonly store: Map<string, string>;

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
    };
    this.reactions = memoryReactions(store);
  }

  async emit(event: RemoteEvent): Promise<void> {
    this.events.push(event);
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

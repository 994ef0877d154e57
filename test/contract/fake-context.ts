import type {
  ConnectionState,
  ConnectorContext,
  ConnectorStorage,
  LinkedChannel,
  WebhookHandler,
} from '../../src/connector/contract.js';
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

/** Polls `probe` until it is truthy (see test/harness/wait.ts); `what` names it in the error. */
export function waitFor<T>(
  what: string,
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = DEFAULT_WAIT_MS,
): Promise<T> {
  return waitUntil(probe, { what, timeoutMs });
}

import { CatchUpKit } from '../../../src/connector/catch-up-kit.js';
import type {
  ConnectionState,
  Connector,
  ConnectorContext,
  LinkedChannel,
} from '../../../src/connector/contract.js';
import type { RemoteEvent } from '../../../src/connector/events.js';
import { silentLogger } from '../../../src/util/logger.js';
import { connectThroughKit, memoryReactions } from '../../contract/fake-context.js';
import { memoryCursorRows } from './memory-cursors.js';

/**
 * A ConnectorContext with the core's catch-up (cursors written behind as the bridge does,
 * kept in `store`) whose intake records each event key once, as the inbox does, and can
 * refuse or hold one event.
 */
export class KitContext implements ConnectorContext {
  readonly connectorId = 'mattermost';
  readonly logger = silentLogger();
  readonly events: RemoteEvent[] = [];
  readonly states: ConnectionState[] = [];
  readonly storage: ConnectorContext['storage'];
  readonly reactions: ConnectorContext['reactions'];
  readonly cursors: ConnectorContext['cursors'];
  readonly catchUp: ConnectorContext['catchUp'];
  readonly emit: ConnectorContext['emit'];
  /** How often the cursor table was written. */
  readonly cursorSaves: { saves: number };
  private readonly kit: CatchUpKit;
  /** The next event this matches is refused once (the inbox could not store it). */
  failOnce: ((e: RemoteEvent) => boolean) | undefined;
  /** The next event this matches waits until `release()`. */
  holdOnce: ((e: RemoteEvent) => boolean) | undefined;
  held = false;
  private releaseHeld: () => void = () => undefined;

  constructor(
    private readonly links: LinkedChannel[],
    readonly store = new Map<string, string>(),
  ) {
    this.reactions = memoryReactions(store);
    this.storage = {
      get: async (key: string) => store.get(key),
      set: async (key: string, value: string) => void store.set(key, value),
      delete: async (key: string) => void store.delete(key),
    };
    const { rows, counter } = memoryCursorRows(store);
    this.cursorSaves = counter;
    this.kit = new CatchUpKit({
      rows,
      linkedChannels: () => this.linkedChannels(),
      record: (event) => this.record(event),
      log: this.logger,
      catchUp: { initialDelayMs: 50, maxDelayMs: 1000 },
    });
    ({ cursors: this.cursors, catchUp: this.catchUp, emit: this.emit } = this.kit.contextMembers());
  }

  /** Wires the catch-up to `connector` and wraps its start and stop as the bridge does. */
  connect<C extends Connector>(connector: C): C {
    return connectThroughKit(this.kit, connector);
  }

  private async record(event: RemoteEvent): Promise<void> {
    if (this.failOnce?.(event)) {
      this.failOnce = undefined;
      throw new Error('the inbox could not store the event');
    }
    if (this.holdOnce?.(event)) {
      this.holdOnce = undefined;
      this.held = true;
      await new Promise<void>((resolve) => (this.releaseHeld = resolve));
    }
    if (this.events.some((e) => e.eventKey === event.eventKey)) return;
    this.events.push(event);
  }

  release(): void {
    this.releaseHeld();
  }

  reportState(_workspace: string, state: ConnectionState): void {
    this.states.push(state);
  }

  async linkedChannels(): Promise<LinkedChannel[]> {
    return this.links;
  }

  registerWebhook(): string {
    throw new Error('not used by Mattermost');
  }

  /** Where the first event of `kind` about `messageId` is (-1 if none). */
  indexOf(kind: RemoteEvent['kind'], messageId: string): number {
    return this.events.findIndex(
      (e) => e.kind === kind && 'messageId' in e && e.messageId === messageId,
    );
  }

  find(kind: RemoteEvent['kind'], messageId: string): RemoteEvent | undefined {
    return this.events[this.indexOf(kind, messageId)];
  }

  messageOrder(): string[] {
    return this.events.flatMap((e) => (e.kind === 'message' ? [e.messageId] : []));
  }
}

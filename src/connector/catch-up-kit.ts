import type { Logger } from 'pino';
import { CatchUpRunner, type CatchUpOptions } from './catch-up.js';
import type { Connector, ConnectorContext, LinkedChannel } from './contract.js';
import { CursorBook, type CursorRows } from './cursor-book.js';
import type { RemoteEvent } from './events.js';

export interface CatchUpKitDeps {
  /** Where the cursors live (the core's table, or memory in tests). */
  rows: CursorRows;
  linkedChannels(): Promise<LinkedChannel[]>;
  /** The durable intake of remote events. */
  record(event: RemoteEvent): Promise<void>;
  log: Logger;
  /** Cursor write-behind interval (ms). */
  flushMs?: number;
  catchUp?: Partial<CatchUpOptions>;
}

/**
 * The cursor table and the catch-up runner of one connector, and the context members built
 * on them: `emit` (a live event waits for its channel's catch-up, then is recorded), `cursors`
 * and `catchUp`. Started before the connector, stopped before it, flushed after it.
 */
export class CatchUpKit {
  readonly cursors: CursorBook;
  readonly runner: CatchUpRunner;

  constructor(private readonly d: CatchUpKitDeps) {
    this.cursors = new CursorBook(d.rows, d.log, d.flushMs);
    this.runner = new CatchUpRunner(
      { cursors: this.cursors, linkedChannels: d.linkedChannels, record: d.record, log: d.log },
      d.catchUp,
    );
  }

  /** The context members that this kit provides. */
  contextMembers(): Pick<ConnectorContext, 'emit' | 'cursors' | 'catchUp'> {
    return {
      emit: async (event) => {
        await this.runner.beforeLive(event);
        await this.d.record(event);
      },
      cursors: {
        get: (ref) => this.cursors.get(ref),
        // A live event that recorded nothing (the bridge's own post, say) must not move the
        // cursor past missed posts that a catch-up has yet to record: that one moves it.
        advance: (ref, cursor) => {
          if (!this.runner.busy(ref)) this.cursors.advance(ref, cursor);
        },
      },
      catchUp: (workspace, channels) => this.runner.catchUp(workspace, channels),
    };
  }

  /** Once the connector exists: its `fetchMessagesSince` is what the runner reads. */
  bind(connector: Connector): void {
    this.runner.bind(connector);
    this.runner.start();
  }

  /** Before the connector stops: no new catch-up, retries end. */
  stopCatchUp(): Promise<void> {
    return this.runner.stop();
  }

  /** After the connector stopped: every cursor moved so far is saved. */
  flush(): Promise<void> {
    return this.cursors.flush();
  }
}

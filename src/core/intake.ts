import type { Logger } from 'pino';
import type { RemoteEvent } from '../connector/events.js';
import type { MatrixEvent } from '../matrix/durable-appservice.js';
import type { InboxEntry, InboxStore } from '../store/index.js';
import type { GhostIdCodec } from './ids.js';
import { BRIDGED_TYPES } from '../matrix/event-types.js';
import { MATRIX_SOURCE, remoteSource, storable, type InboxPayload } from './inbox-payload.js';
import type { PortalDirectory } from './portal-directory.js';
import { telemetry } from './telemetry.js';
import { traffic } from './traffic.js';

/**
 * The two ways in: homeserver transactions and connector events. Both only record
 * (durably, de-duplicated) and wake the portal's worker; delivery happens elsewhere.
 */
export class Intake {
  constructor(
    private readonly inbox: InboxStore,
    private readonly portals: PortalDirectory,
    private readonly ghosts: GhostIdCodec,
    private readonly botUserId: () => string,
    private readonly wake: (portalIds: number[]) => void,
    private readonly onMembership: (event: MatrixEvent) => void,
    private readonly log: Logger,
  ) {}

  async recordTransaction(events: MatrixEvent[]): Promise<void> {
    await this.recordMatrix(events, true);
  }

  /**
   * Events the Matrix catch-up found in portal rooms' timelines (matrix/catch-up.ts),
   * filtered exactly like a transaction's; membership is left to transactions. Returns how
   * many it handed to the inbox (which ignores those it already holds).
   */
  async recordRecovered(events: MatrixEvent[]): Promise<number> {
    return this.recordMatrix(events, false);
  }

  private async recordMatrix(events: MatrixEvent[], membership: boolean): Promise<number> {
    const entries: InboxEntry[] = [];
    for (const event of events) {
      if (event.type === 'm.room.member') {
        if (membership) this.onMembership(event);
        continue;
      }
      if (!BRIDGED_TYPES.has(event.type)) continue;
      // Our own ghosts and bot are echoes of what we sent.
      if (event.sender === this.botUserId() || this.ghosts.isGhost(event.sender)) continue;
      const portal = this.portals.portalByRoom(event.room_id);
      if (!portal) {
        this.log.debug(
          { roomId: event.room_id, eventId: event.event_id },
          'event for a room with no portal, ignored',
        );
        continue;
      }
      const safe = storable(event);
      if (!safe) {
        this.log.warn(
          { roomId: event.room_id, eventId: event.event_id },
          'event nested too deeply to store, dropped',
        );
        continue;
      }
      const payload: InboxPayload = { kind: 'matrix', event: safe };
      entries.push({
        source: MATRIX_SOURCE,
        eventKey: event.event_id,
        portalId: portal.id,
        payload,
      });
    }
    this.wake(await this.inbox.record(entries));
    if (entries.length > 0) telemetry().eventsIn(MATRIX_SOURCE, entries.length);
    return entries.length;
  }

  async recordRemote(connector: string, event: RemoteEvent): Promise<void> {
    const link = this.portals.linkFor({
      connector,
      workspace: event.workspace,
      channel: event.channel,
    });
    if (!link) {
      this.log.debug(
        { connector, workspace: event.workspace, channel: event.channel, kind: event.kind },
        'event for an unlinked channel, ignored',
      );
      return;
    }
    const safe = storable(event);
    if (!safe) {
      this.log.warn(
        { connector, workspace: event.workspace, channel: event.channel, kind: event.kind },
        'remote event nested too deeply to store, dropped',
      );
      return;
    }
    const payload: InboxPayload = { kind: 'remote', connector, event: safe };
    const eventKey = `${event.workspace}:${event.eventKey}`;
    const fresh = await this.inbox.record([
      { source: remoteSource(connector), eventKey, portalId: link.portalId, payload },
    ]);
    this.wake(fresh);
    telemetry().eventsIn(connector, 1);
    // A replayed event (already in the inbox) does not cross a second time.
    if (fresh.length > 0) traffic().record(connector, event.workspace, 'in');
  }
}

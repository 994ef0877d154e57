import type { HttpEventDelivery } from './http-events.js';
import { eventId } from './ids.js';
import type { SocketModeHub } from './socket-mode.js';
import type { AppRecord, SimState } from './state.js';

type Json = Record<string, unknown>;

/** Which bot scope an app needs to receive an event about a channel. */
export type EventScope = 'history' | 'reactions' | 'read';

function scopeFor(kind: EventScope, isPrivate: boolean): string {
  if (kind === 'reactions') return 'reactions:read';
  if (kind === 'read') return isPrivate ? 'groups:read' : 'channels:read';
  return isPrivate ? 'groups:history' : 'channels:history';
}

/**
 * Fans channel events out to the apps that would get them on Slack: in the workspace, with
 * their bot in the channel, with the scope the event subscription needs, and with Socket
 * Mode or a Request URL configured.
 */
export class EventBus {
  private counter = 0;

  constructor(
    private readonly state: SimState,
    private readonly socket: SocketModeHub,
    private readonly http: HttpEventDelivery,
  ) {}

  channelEvent(channelId: string, event: Json, kind: EventScope = 'history'): void {
    const channel = this.state.channels.get(channelId);
    if (!channel) return;
    for (const app of this.state.apps.values()) {
      if (app.teamId !== channel.teamId || app.delivery.mode === 'none') continue;
      if (!channel.members.has(app.botUserId)) continue;
      const scopes = this.state.tokens.get(app.botToken)?.scopes;
      if (!scopes?.has(scopeFor(kind, channel.isPrivate))) continue;
      this.send(app, { ...event, event_ts: event.event_ts ?? event.ts });
    }
  }

  private send(app: AppRecord, event: Json): void {
    this.counter += 1;
    const payload: Json = {
      token: app.verificationToken,
      team_id: app.teamId,
      context_team_id: app.teamId,
      context_enterprise_id: null,
      api_app_id: app.id,
      event,
      type: 'event_callback',
      event_id: eventId(),
      event_time: Math.floor(Date.now() / 1000),
      authorizations: [
        {
          enterprise_id: null,
          team_id: app.teamId,
          user_id: app.botUserId,
          is_bot: true,
          is_enterprise_install: false,
        },
      ],
      is_ext_shared_channel: false,
      event_context: `4-sim-${this.counter}`,
    };
    if (app.delivery.mode === 'socket') this.socket.deliver(app.id, payload);
    else if (app.delivery.mode === 'http') {
      this.http.deliver(
        { appId: app.id, url: app.delivery.requestUrl, signingSecret: app.signingSecret },
        payload,
      );
    }
  }
}

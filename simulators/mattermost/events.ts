/** Who receives an event, as in `model.WebsocketBroadcast`. */
export interface Broadcast {
  omit_users: Record<string, boolean> | null;
  user_id: string;
  channel_id: string;
  team_id: string;
  connection_id: string;
  omit_connection_id: string;
}

export interface SimEvent {
  event: string;
  data: Record<string, unknown>;
  broadcast: Broadcast;
}

export interface EventSink {
  publish(event: SimEvent): void;
}

export function broadcast(to: Partial<Broadcast>): Broadcast {
  return {
    omit_users: to.omit_users ?? null,
    user_id: to.user_id ?? '',
    channel_id: to.channel_id ?? '',
    team_id: to.team_id ?? '',
    connection_id: to.connection_id ?? '',
    omit_connection_id: to.omit_connection_id ?? '',
  };
}

export function channelEvent(
  event: string,
  channelId: string,
  data: Record<string, unknown>,
): SimEvent {
  return { event, data, broadcast: broadcast({ channel_id: channelId }) };
}

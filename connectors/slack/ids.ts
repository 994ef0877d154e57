/**
 * Slack ids as the bridge stores them. Messages are identified by their channel and `ts`
 * (the channel is always known from the ChannelRef), so a message id is the `ts` itself.
 * User and bot ids (`U0ABC…`, `B0ABC…`) are kept in lower case: ghost user ids must be
 * lower case, and Slack ids are upper case only, so the mapping is exact both ways.
 */

export const CONNECTOR_ID = 'slack';

const SLACK_USER = /^[UWB][A-Z0-9]{2,}$/;
const REMOTE_USER = /^[uwb][a-z0-9]{2,}$/;

export function toRemoteUser(slackId: string): string {
  return slackId.toLowerCase();
}

/** The Slack id behind a remote user id, or undefined when it is not one of ours. */
export function toSlackUser(remoteId: string): string | undefined {
  return REMOTE_USER.test(remoteId) ? remoteId.toUpperCase() : undefined;
}

export function isSlackUserId(id: string): boolean {
  return SLACK_USER.test(id) && !id.startsWith('B');
}

export function isBotRemoteId(remoteId: string): boolean {
  return remoteId.startsWith('b');
}

const TS = /^(\d{1,12})\.(\d{6})$/;

export function isTs(ts: unknown): ts is string {
  return typeof ts === 'string' && TS.test(ts);
}

/** Orders two message timestamps (-1, 0, 1). */
export function compareTs(a: string, b: string): number {
  const [as = '0', af = '0'] = a.split('.');
  const [bs = '0', bf = '0'] = b.split('.');
  const d = Number(as) - Number(bs) || Number(af) - Number(bf);
  return d < 0 ? -1 : d > 0 ? 1 : 0;
}

/** Milliseconds since the epoch of a `ts` (rounded down). */
export function tsToMs(ts: string): number {
  const m = TS.exec(ts);
  if (!m) return Date.now();
  return Number(m[1]) * 1000 + Math.floor(Number(m[2]) / 1000);
}

/** A `ts` bound for `oldest=` from milliseconds. */
export function msToTs(ms: number): string {
  const t = Math.max(0, Math.floor(ms));
  return `${Math.floor(t / 1000)}.${String((t % 1000) * 1000).padStart(6, '0')}`;
}

/** Event keys: the same Slack event seen live, redelivered or re-read from history gets the same key. */
export const eventKeys = {
  message: (channel: string, ts: string) => `msg:${channel}:${ts}`,
  edit: (channel: string, ts: string, editedTs: string) => `edit:${channel}:${ts}:${editedTs}`,
  delete: (channel: string, ts: string) => `del:${channel}:${ts}`,
  reaction: (
    added: boolean,
    channel: string,
    ts: string,
    user: string,
    name: string,
    eventTs: string,
  ) => `${added ? 'react' : 'unreact'}:${channel}:${ts}:${user}:${name}:${eventTs}`,
};

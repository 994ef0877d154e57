/**
 * The Bot Framework activity as the connector reads it, and the checks that make a POSTed
 * body one: a JSON object with a type, a serviceUrl, a channel id and a conversation id,
 * and for message events an id and a sender; sizes bounded. Anything else is malformed (400).
 */
import { BridgeError } from '../../src/connector/index.js';

export interface ChannelAccount {
  id: string;
  name?: string;
  aadObjectId?: string;
}

export interface TeamsActivity {
  type: string;
  id?: string;
  timestamp?: string;
  serviceUrl: string;
  channelId: string;
  from?: ChannelAccount;
  recipient?: ChannelAccount;
  conversation: {
    id: string;
    conversationType?: string;
    tenantId?: string;
    name?: string;
    isGroup?: boolean;
  };
  text?: string;
  textFormat?: string;
  replyToId?: string;
  attachments?: Array<{
    contentType?: string;
    content?: unknown;
    contentUrl?: string;
    name?: string;
  }>;
  entities?: Array<Record<string, unknown>>;
  channelData?: {
    tenant?: { id?: string };
    team?: { id?: string; name?: string; aadGroupId?: string };
    channel?: { id?: string; name?: string };
    eventType?: string;
  };
  reactionsAdded?: Array<{ type?: string }>;
  reactionsRemoved?: Array<{ type?: string }>;
}

export class MalformedActivity extends BridgeError {
  constructor(reason: string) {
    super('TEAMS_ACTIVITY_MALFORMED', `malformed activity: ${reason}`);
  }
}

/** Activity types that carry a message change from a user. */
export const MESSAGE_TYPES = new Set([
  'message',
  'messageUpdate',
  'messageDelete',
  'messageReaction',
]);

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown, max: number): v is string =>
  typeof v === 'string' && v.length > 0 && v.length <= max;

export function parseActivity(body: Buffer): TeamsActivity {
  let a: unknown;
  try {
    a = JSON.parse(body.toString('utf8'));
  } catch {
    throw new MalformedActivity('the body is not JSON');
  }
  if (!isObj(a)) throw new MalformedActivity('the body is not an object');
  if (!str(a.type, 64)) throw new MalformedActivity('no type');
  if (!str(a.serviceUrl, 2048)) throw new MalformedActivity('no serviceUrl');
  if (!str(a.channelId, 64)) throw new MalformedActivity('no channelId');
  if (!isObj(a.conversation) || !str(a.conversation.id, 1024))
    throw new MalformedActivity('no conversation id');
  if (MESSAGE_TYPES.has(a.type)) {
    if (!str(a.id, 256)) throw new MalformedActivity(`a ${a.type} activity needs an id`);
    if (!isObj(a.from) || !str(a.from.id, 512))
      throw new MalformedActivity(`a ${a.type} activity needs a sender`);
    if (
      a.timestamp !== undefined &&
      (typeof a.timestamp !== 'string' || Number.isNaN(Date.parse(a.timestamp)))
    ) {
      throw new MalformedActivity('timestamp is not a date');
    }
    if (a.text !== undefined && (typeof a.text !== 'string' || a.text.length > 512 * 1024))
      throw new MalformedActivity('text is not a bounded string');
    for (const [k, max] of [
      ['attachments', 100],
      ['entities', 500],
      ['reactionsAdded', 50],
      ['reactionsRemoved', 50],
    ] as const) {
      const v = a[k];
      if (v !== undefined && (!Array.isArray(v) || v.length > max || !v.every(isObj)))
        throw new MalformedActivity(`${k} is not a list of objects`);
    }
    if (a.type === 'messageReaction' && !str(a.replyToId, 256))
      throw new MalformedActivity('a reaction needs replyToId');
  }
  return a as unknown as TeamsActivity;
}

/** Milliseconds of an activity's timestamp, or now. */
export function activityTime(a: TeamsActivity): number {
  const t = a.timestamp ? Date.parse(a.timestamp) : NaN;
  return Number.isNaN(t) ? Date.now() : t;
}

export function tenantOf(a: TeamsActivity): string | undefined {
  return a.conversation.tenantId ?? a.channelData?.tenant?.id;
}

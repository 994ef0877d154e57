/** The parts of Slack's message, file and event payloads the connector reads. */

export interface SlackFile {
  id: string;
  name?: string;
  title?: string;
  mimetype?: string;
  size?: number;
  mode?: string;
  original_w?: number;
  original_h?: number;
  url_private?: string;
  url_private_download?: string;
  shares?: {
    public?: Record<string, Array<{ ts: string }>>;
    private?: Record<string, Array<{ ts: string }>>;
  };
}

export interface SlackMessage {
  type?: string;
  subtype?: string;
  ts: string;
  channel?: string;
  user?: string;
  bot_id?: string;
  app_id?: string;
  username?: string;
  text?: string;
  blocks?: unknown[];
  attachments?: Array<{ fallback?: string; pretext?: string; title?: string; text?: string }>;
  thread_ts?: string;
  reply_count?: number;
  latest_reply?: string;
  edited?: { user?: string; ts: string };
  files?: SlackFile[];
  hidden?: boolean;
  bot_profile?: { name?: string };
  metadata?: { event_type?: string; event_payload?: Record<string, unknown> };
  reactions?: Array<{ name?: string; users?: string[]; count?: number }>;
}

/** The `event` of an Events API payload: a message event, or anything else Slack sends. */
export type SlackEvent = Record<string, unknown> & { type: string };

export interface EventCallback {
  type: 'event_callback';
  event_id: string;
  team_id?: string;
  api_app_id?: string;
  event: SlackEvent;
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Whether a payload has the shape of an `event_callback` worth handling. */
export function isEventCallback(v: unknown): v is EventCallback {
  return (
    isObject(v) &&
    v.type === 'event_callback' &&
    typeof v.event_id === 'string' &&
    v.event_id.length > 0 &&
    v.event_id.length <= 64 &&
    isObject(v.event) &&
    typeof v.event.type === 'string'
  );
}

/** The shapes the test Matrix client reads and writes, and its error for a non-2xx answer. */

/** A room event as the client-server API returns it (only the fields tests commonly read). */
export interface MatrixEvent {
  event_id: string;
  type: string;
  sender: string;
  room_id?: string;
  origin_server_ts: number;
  content: Record<string, unknown> & {
    body?: string;
    msgtype?: string;
    format?: string;
    formatted_body?: string;
    url?: string;
    info?: Record<string, unknown>;
    membership?: string;
    'm.relates_to'?: RelatesTo;
    'm.new_content'?: Record<string, unknown>;
  };
  state_key?: string;
  redacts?: string;
  unsigned?: Record<string, unknown> & {
    age?: number;
    transaction_id?: string;
    redacted_because?: MatrixEvent;
    'm.relations'?: Record<string, unknown>;
  };
}

export interface RelatesTo {
  rel_type?: string;
  event_id?: string;
  key?: string;
  is_falling_back?: boolean;
  'm.in_reply_to'?: { event_id: string };
}

export type MessageContent = Record<string, unknown>;

export interface CreateRoomOptions {
  name?: string;
  topic?: string;
  preset?: 'private_chat' | 'public_chat' | 'trusted_private_chat';
  visibility?: 'public' | 'private';
  invite?: string[];
  is_direct?: boolean;
  room_alias_name?: string;
  room_version?: string;
  initial_state?: Array<{ type: string; state_key?: string; content: Record<string, unknown> }>;
  power_level_content_override?: Record<string, unknown>;
  creation_content?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface MessagesOptions {
  dir?: 'b' | 'f';
  limit?: number;
  from?: string;
  to?: string;
  /** A RoomEventFilter object (serialised for you). */
  filter?: Record<string, unknown>;
}

export interface MessagesResponse {
  chunk: MatrixEvent[];
  start: string;
  end?: string;
  state?: MatrixEvent[];
}

export interface WaitOptions {
  timeoutMs?: number;
  /**
   * Only consider events after this point. Either an event id (`$...`; events newer than that
   * event) or a pagination token from {@link TestMatrixClient.syncToken}. Without it, events
   * already in the room when the wait starts count too (the newest {@link backfill} of them).
   */
  since?: string;
  /** How many existing events to look back through when `since` is absent. Default 200. */
  backfill?: number;
  /** Poll interval, ms. Default 150. */
  intervalMs?: number;
}

export interface PowerLevels {
  users?: Record<string, number>;
  users_default?: number;
  events?: Record<string, number>;
  events_default?: number;
  state_default?: number;
  ban?: number;
  kick?: number;
  redact?: number;
  invite?: number;
  notifications?: Record<string, number>;
  [key: string]: unknown;
}

/** A non-2xx answer from the homeserver. */
export class MatrixApiError extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    readonly errcode: string | undefined,
    readonly body: unknown,
  ) {
    const error =
      body && typeof body === 'object' && 'error' in body
        ? String((body as { error: unknown }).error)
        : undefined;
    super(
      `${method} ${path} -> HTTP ${status}${errcode ? ` ${errcode}` : ''}${error ? `: ${error}` : ''}` +
        (errcode || error
          ? ''
          : `: ${typeof body === 'string' ? body.slice(0, 500) : JSON.stringify(body)}`),
    );
    this.name = 'MatrixApiError';
  }
}

/** A MatrixApiError from an answer's status and body text (JSON when it parses). */
export function apiErrorOf(
  method: string,
  path: string,
  status: number,
  text: string,
): MatrixApiError {
  let body: unknown = text;
  try {
    body = text.length ? JSON.parse(text) : {};
  } catch {
    // not JSON: keep the text
  }
  const errcode =
    body && typeof body === 'object' && 'errcode' in body
      ? String((body as { errcode: unknown }).errcode)
      : undefined;
  return new MatrixApiError(method, path, status, errcode, body);
}

/** Parses `mxc://server/mediaId`. */
export function parseMxc(mxc: string): { serverName: string; mediaId: string } {
  const m = /^mxc:\/\/([^/]+)\/([^/?#]+)$/.exec(mxc);
  if (!m || !m[1] || !m[2]) throw new Error(`not an mxc URI: ${mxc}`);
  return { serverName: m[1], mediaId: m[2] };
}

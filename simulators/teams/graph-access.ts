/**
 * Who may do what on the simulated Graph, resolution of message paths, OData paging and
 * `$filter` on lastModifiedDateTime — the rules the real service enforces that a bridge
 * has to live with (app-only cannot post or react; RSC grants reads per team or chat).
 */
import type { IssuedToken } from './auth.js';
import type { Sim } from './context.js';
import { ApiError, type SimRequest } from './http.js';
import type { SimConversation, SimMessage } from './state.js';

export function graphToken(sim: Sim, req: SimRequest): IssuedToken {
  const t = sim.auth.check(req.headers.authorization);
  if (!t || t.audience !== 'graph') {
    throw new ApiError(
      401,
      'InvalidAuthenticationToken',
      'Access token is empty, expired or not valid for Microsoft Graph.',
    );
  }
  const key = t.kind === 'app' ? `${t.appId}|${t.tenantId}` : `${t.appId}|${t.userId}`;
  const rate = req.method === 'GET' ? sim.graphReadRate : sim.graphWriteRate;
  const wait = rate.take(key);
  if (wait > 0) {
    throw new ApiError(429, 'TooManyRequests', 'Too many requests.', {
      'Retry-After': String(Math.max(1, Math.ceil(wait / 1000))),
    });
  }
  return t;
}

export const forbidden = (message: string) => new ApiError(403, 'Forbidden', message);
export const notFound = (what: string) => new ApiError(404, 'NotFound', `${what} not found.`);

function hasAny(t: IssuedToken, ...scopes: string[]): boolean {
  return scopes.some((s) => t.scopes.has(s));
}

/** Reading messages: RSC or a tenant-wide permission for apps; membership for users. */
export function canRead(sim: Sim, t: IssuedToken, conv: SimConversation): void {
  if (conv.tenantId !== t.tenantId) throw forbidden('The resource belongs to another tenant.');
  if (t.kind === 'app') {
    const rsc = sim.state.installFor(conv, t.appId)?.rsc ?? false;
    const all =
      conv.kind === 'channel'
        ? hasAny(t, 'ChannelMessage.Read.All')
        : hasAny(t, 'Chat.Read.All', 'Chat.ReadWrite.All');
    if (!rsc && !all)
      throw forbidden(
        'Missing role permissions on the request. API requires one of ChannelMessage.Read.Group, ChannelMessage.Read.All.',
      );
    return;
  }
  if (!sim.state.isMember(conv, t.userId!))
    throw forbidden('The user is not a member of this conversation.');
}

/** Writing messages: delegated only, except app-only import into a channel in migration mode. */
export function canWrite(
  sim: Sim,
  t: IssuedToken,
  conv: SimConversation,
  what: 'post' | 'react' | 'change',
): void {
  if (conv.tenantId !== t.tenantId) throw forbidden('The resource belongs to another tenant.');
  if (t.kind === 'app') {
    if (what === 'post' && conv.migrationMode && t.scopes.has('Teamwork.Migrate.All')) return;
    if (what === 'post') {
      throw new ApiError(
        401,
        'Unauthorized',
        'Message POST is allowed in application-only context only for import purposes. Refer to https://docs.microsoft.com/microsoftteams/platform/graph-api/import-messages/import-external-messages-to-teams for more details.',
      );
    }
    throw forbidden(
      what === 'react'
        ? 'Reactions can only be set with delegated permissions.'
        : 'Application permissions cannot change messages.',
    );
  }
  if (!sim.state.isMember(conv, t.userId!))
    throw forbidden('The user is not a member of this conversation.');
  const channel = conv.kind === 'channel';
  const needed =
    what === 'change'
      ? channel
        ? ['ChannelMessage.ReadWrite']
        : ['Chat.ReadWrite']
      : channel
        ? ['ChannelMessage.Send', 'ChannelMessage.ReadWrite']
        : ['ChatMessage.Send', 'Chat.ReadWrite'];
  if (!hasAny(t, ...needed))
    throw forbidden(
      `Missing scope permissions on the request. API requires one of ${needed.join(', ')}.`,
    );
}

export function channelOf(sim: Sim, teamId: string, channelId: string): SimConversation {
  const conv = sim.state.conversations.get(channelId);
  if (!conv || conv.kind !== 'channel' || conv.teamId !== teamId) throw notFound('Channel');
  return conv;
}

export function chatOf(sim: Sim, chatId: string): SimConversation {
  const conv = sim.state.byGraphId(chatId);
  if (!conv || conv.kind === 'channel') throw notFound('Chat');
  return conv;
}

/** The message at a Graph path: root (`messages/{m}`) or reply (`messages/{m}/replies/{r}`). */
export function messageAt(
  sim: Sim,
  conv: SimConversation,
  messageId: string,
  replyId?: string,
): SimMessage {
  const root = sim.state.messages.get(messageId);
  if (!root || root.conversationId !== conv.id || root.replyToId) throw notFound('Message');
  if (replyId === undefined) return root;
  const reply = sim.state.messages.get(replyId);
  if (!reply || reply.replyToId !== root.id) throw notFound('Reply');
  return reply;
}

/** `lastModifiedDateTime gt X [and lastModifiedDateTime lt Y]`, the only filter Teams messages support. */
export function modifiedFilter(filter: string | null): { gt?: number; lt?: number } {
  if (!filter) return {};
  const out: { gt?: number; lt?: number } = {};
  for (const clause of filter.split(/\s+and\s+/i)) {
    const m = /^\s*lastModifiedDateTime\s+(gt|lt)\s+'?([0-9T:.Z+-]+)'?\s*$/i.exec(clause);
    const t = m ? Date.parse(m[2]!) : NaN;
    if (!m || Number.isNaN(t))
      throw new ApiError(400, 'BadRequest', `Invalid filter clause: ${clause}`);
    out[m[1]!.toLowerCase() as 'gt' | 'lt'] = t;
  }
  return out;
}

export function inRange(ms: number, f: { gt?: number; lt?: number }): boolean {
  return (f.gt === undefined || ms > f.gt) && (f.lt === undefined || ms < f.lt);
}

export function topOf(req: SimRequest, fallback: number, max: number): number {
  const raw = req.query.get('$top');
  if (raw === null) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > max)
    throw new ApiError(400, 'BadRequest', `$top must be between 1 and ${max}.`);
  return n;
}

interface PageState {
  offset: number;
  [k: string]: unknown;
}

export function encodeToken(s: PageState | Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(s)).toString('base64url');
}

export function decodeToken<T>(raw: string | null): T | undefined {
  if (raw === null) return undefined;
  try {
    return JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as T;
  } catch {
    throw new ApiError(400, 'BadRequest', 'The paging token is not valid.');
  }
}

/** One page of `items` with an `@odata.nextLink` carrying the offset when more remain. */
export function page<T>(
  sim: Sim,
  req: SimRequest,
  items: T[],
  top: number,
  extra: Record<string, unknown> = {},
): { value: T[]; next?: string } {
  const state = decodeToken<PageState>(req.query.get('$skiptoken')) ?? { offset: 0 };
  const value = items.slice(state.offset, state.offset + top);
  if (state.offset + top >= items.length) return { value };
  const params: Array<[string, string]> = [...req.query].filter(([k]) => k !== '$skiptoken');
  params.push(['$skiptoken', encodeToken({ ...extra, offset: state.offset + top })]);
  return { value, next: odataLink(sim, req.path, params) };
}

/** A link as Graph writes it: `$` of system query options left unescaped. */
export function odataLink(sim: Sim, path: string, params: Array<[string, string]>): string {
  const q = params.map(
    ([k, v]) => `${encodeURIComponent(k).replace(/^%24/, '$')}=${encodeURIComponent(v)}`,
  );
  return `${sim.baseUrl()}${path}?${q.join('&')}`;
}

/**
 * Outbound HTTP for the Teams connector: one undici agent that trusts the system roots plus
 * any configured extra CA (never by turning verification off), and the
 * mapping of failed responses to RemoteApiError (429/5xx retryable, with the toolkit's
 * Retry-After reading) without leaking tokens.
 */
import { rootCertificates } from 'node:tls';
import { Agent, fetch as undiciFetch, type RequestInit, type Response } from 'undici';
import { parseRetryAfter, RemoteApiError } from '../../src/connector/index.js';

export type Fetch = (url: string | URL, init?: RequestInit) => Promise<Response>;

export function createFetch(extraCa?: string): Fetch {
  const dispatcher = new Agent({
    connect: extraCa ? { ca: [...rootCertificates, extraCa] } : {},
    headersTimeout: 30_000,
    bodyTimeout: 120_000,
  });
  return (url, init) => undiciFetch(url, { ...init, dispatcher });
}

/** The `{error:{code,message}}` of a Bot Connector or Graph error body, if any. */
export function errorCode(body: unknown): { code?: string; message?: string } {
  const e = (body as { error?: unknown } | undefined)?.error;
  if (typeof e === 'object' && e !== null) {
    const { code, message } = e as { code?: unknown; message?: unknown };
    return {
      code: typeof code === 'string' ? code : undefined,
      message: typeof message === 'string' ? message.slice(0, 300) : undefined,
    };
  }
  return {};
}

export function responseError(service: string, res: Response, body: unknown): RemoteApiError {
  const { code, message } = errorCode(body);
  const what = [code, message].filter(Boolean).join(': ') || res.statusText;
  const retryable =
    res.status === 429 || res.status === 408 || res.status === 412 || res.status >= 500;
  return new RemoteApiError({
    message: `${service} answered ${res.status}${what ? ` (${what})` : ''}`,
    status: res.status,
    retryable,
    retryAfterMs: parseRetryAfter(res.headers.get('retry-after')),
    code:
      code === 'MessageSizeTooBig' || res.status === 413 ? 'TEAMS_MESSAGE_TOO_LARGE' : undefined,
  });
}

export function unreachable(service: string, err: unknown): RemoteApiError {
  return new RemoteApiError({
    message: `${service} is unreachable: ${(err as Error).message}`,
    retryable: true,
    cause: err,
  });
}

/** Reads a JSON body, tolerating empty and non-JSON answers. */
export async function readJson(res: Response): Promise<unknown> {
  const text = await res.text();
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text.slice(0, 300);
  }
}

import type { IncomingMessage } from 'node:http';
import { errorMessage } from '../util/errors.js';

/** Why a transaction request is refused: an HTTP status and a Matrix error. */
export interface Refusal {
  status: number;
  errcode: string;
  error: string;
}

/**
 * What the headers alone tell against a transaction body, checked before any byte of it is
 * read: it must be uncompressed UTF-8 JSON.
 */
export function headerProblem(req: IncomingMessage): Refusal | undefined {
  const encoding = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (encoding !== 'identity') {
    return {
      status: 415,
      errcode: 'M_NOT_JSON',
      error: `unsupported content encoding "${encoding}"`,
    };
  }
  const [type = '', ...params] = (req.headers['content-type'] ?? '').split(';');
  if (type.trim().toLowerCase() !== 'application/json') {
    return { status: 400, errcode: 'M_NOT_JSON', error: 'Content-Type must be application/json' };
  }
  for (const param of params) {
    const [name = '', value = ''] = param.split('=');
    const charset = value
      .trim()
      .replace(/^"(.*)"$/, '$1')
      .toLowerCase();
    if (name.trim().toLowerCase() === 'charset' && charset !== 'utf-8' && charset !== 'utf8') {
      return { status: 415, errcode: 'M_NOT_JSON', error: `unsupported charset "${charset}"` };
    }
  }
  return undefined;
}

/** The `events` of a transaction body, or why the body is not a transaction. */
export function parseTransaction(raw: Buffer): { events: unknown[] } | Refusal {
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8').replace(/^\uFEFF/, '')) as unknown;
  } catch (err) {
    return { status: 400, errcode: 'M_NOT_JSON', error: errorMessage(err) };
  }
  const events = (body as { events?: unknown } | null)?.events;
  if (typeof body !== 'object' || body === null || !Array.isArray(events)) {
    return {
      status: 400,
      errcode: 'M_BAD_JSON',
      error: 'body must be an object with an "events" array',
    };
  }
  return { events };
}

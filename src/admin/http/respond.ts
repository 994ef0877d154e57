import type { ServerResponse } from 'node:http';
import { API_CSP } from '../../util/security-headers.js';
import { ADMIN_ERRORS, type AdminError } from '../errors.js';

/** Headers on every administration answer: nothing is cached, sniffed, framed or run. */
export const BASE_HEADERS: Record<string, string> = {
  'cache-control': 'no-store',
  'content-security-policy': API_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...BASE_HEADERS,
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

export function sendText(
  res: ServerResponse,
  status: number,
  body: string,
  contentType: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    ...BASE_HEADERS,
    'content-type': contentType,
    'content-length': String(Buffer.byteLength(body)),
    ...headers,
  });
  res.end(body);
}

/** `{errcode, error}` plus the stable `code` (and `field` for 400s) for programs. */
export function sendError(res: ServerResponse, err: AdminError): void {
  const body: Record<string, unknown> = {
    errcode: err.errcode,
    error: err.message,
    code: err.code,
  };
  if (err.extra.field) body.field = err.extra.field;
  const headers: Record<string, string> = {};
  if (err.extra.retryAfterMs !== undefined) {
    body.retry_after_ms = err.extra.retryAfterMs;
    headers['retry-after'] = String(Math.ceil(err.extra.retryAfterMs / 1000));
  }
  // The rest of an oversized body is not read: the connection cannot be reused.
  if (err.code === 'TOO_LARGE') headers.connection = 'close';
  if (err.code === 'UNAUTHENTICATED' || err.code === 'BAD_TOKEN') {
    headers['www-authenticate'] = 'Bearer realm="matrix-platform-bridge"';
  }
  sendJson(res, ADMIN_ERRORS[err.code].status, body, headers);
}

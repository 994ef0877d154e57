/* global fetch, sessionStorage */
// Talking to the provisioning API (and, for Matrix sign-in, the homeserver).
import { ApiError, UNREACHABLE } from './errors.js';

const API = '/_bridge/admin/v1';
// Only a session token is ever kept in the browser (never the provisioning secret or a
// password), and only for this tab: sessionStorage, no localStorage, no cookies.
export const TOKEN_KEY = 'bridge-console-token';
export const SESSION_PREFIX = 'mpbs2.';

/** Called when the bridge says the stored session is no longer valid. */
let onSessionEnded = () => undefined;
export function whenSessionEnds(fn) {
  onSessionEnded = fn;
}

async function send(url, init) {
  try {
    return await fetch(url, init);
  } catch {
    throw new Error(UNREACHABLE);
  }
}

/** `token` defaults to the stored session token; the secret is passed only to exchange it. */
export async function api(method, path, body, token = sessionStorage.getItem(TOKEN_KEY)) {
  const headers = { 'x-admin-path': 'console' };
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await send(`${API}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = await res.json().catch(() => ({}));
  if (!res.ok) {
    if (res.status === 401 && token) onSessionEnded();
    throw new ApiError({
      code: data.code,
      field: data.field,
      detail: data.error,
      status: res.status,
    });
  }
  return data;
}

export async function matrixCall(base, method, path, token, body) {
  const headers = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await send(`${base}${path}`, { method, headers, body: JSON.stringify(body) });
  const data = await res.json().catch(() => ({}));
  if (!res.ok) {
    if (data.errcode === 'M_FORBIDDEN')
      throw new Error('the homeserver did not accept this user id and password');
    throw new Error(data.error || `the homeserver answered ${res.status}`);
  }
  return data;
}

import { createHmac, randomBytes } from 'node:crypto';

export interface RegisterUserOptions {
  admin?: boolean;
  displayName?: string;
  /** Defaults to a random password. */
  password?: string;
}

export interface RegisteredUser {
  userId: string;
  accessToken: string;
  deviceId: string;
  password: string;
}

/**
 * Registers a local user through Synapse's shared-secret admin API
 * (`/_synapse/admin/v1/register`: fetch a nonce, answer with an HMAC-SHA1 over
 * nonce, user, password and admin flag keyed with `registration_shared_secret`).
 */
export async function registerWithSharedSecret(
  homeserverUrl: string,
  sharedSecret: string,
  localpart: string,
  opts: RegisterUserOptions = {},
): Promise<RegisteredUser> {
  const endpoint = `${homeserverUrl.replace(/\/$/, '')}/_synapse/admin/v1/register`;
  const nonceRes = await fetch(endpoint);
  if (!nonceRes.ok) {
    throw new Error(
      `registerUser: GET nonce failed: HTTP ${nonceRes.status} ${await nonceRes.text()}`,
    );
  }
  const { nonce } = (await nonceRes.json()) as { nonce: string };
  const password = opts.password ?? randomBytes(12).toString('hex');
  const admin = opts.admin ?? false;
  const mac = createHmac('sha1', sharedSecret)
    .update(nonce)
    .update('\x00')
    .update(localpart)
    .update('\x00')
    .update(password)
    .update('\x00')
    .update(admin ? 'admin' : 'notadmin')
    .digest('hex');
  const body: Record<string, unknown> = { nonce, username: localpart, password, admin, mac };
  if (opts.displayName !== undefined) body.displayname = opts.displayName;
  const res = await fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) {
    throw new Error(`registerUser(${localpart}): HTTP ${res.status} ${text}`);
  }
  const json = JSON.parse(text) as { user_id: string; access_token: string; device_id: string };
  return {
    userId: json.user_id,
    accessToken: json.access_token,
    deviceId: json.device_id,
    password,
  };
}

/** A localpart unlikely to collide across test files and runs: `${base}-${random}`. */
export function uniqueLocalpart(base = 'user'): string {
  return `${base.toLowerCase()}-${randomBytes(4).toString('hex')}`;
}

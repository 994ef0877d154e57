import type { IncomingMessage } from 'node:http';
import { actorName, type Actor } from '../actor.js';
import { AdminError } from '../errors.js';
import type { AdminOperations } from '../operations.js';
import type { ApiReply, ApiRoute, ApiServices } from './api-types.js';
import { readJson, validate } from './body.js';
import type { Session } from './session-store.js';
import { sessionRequestSchema } from './schemas.js';

function sessionReply(session: Session, ops: AdminOperations, actor: Actor): ApiReply {
  return {
    status: 200,
    body: {
      token: session.token,
      user_id: session.userId ?? null,
      level: ops.levelOf(actor),
      expires_at: session.expiresAt,
    },
  };
}

async function auditOk(ops: AdminOperations, actor: Actor, action: string): Promise<void> {
  await ops.writeAudit({
    actor: actorName(actor),
    path: actor.path,
    action,
    outcome: 'ok',
    client: actor.client,
  });
}

/** Matrix OpenID sign-in: the homeserver vouches for the user; the session has their level. */
async function signInWithOpenId(s: ApiServices, req: IncomingMessage, client: string) {
  if (!s.openid) {
    throw new AdminError(
      'UNSUPPORTED',
      'Matrix OpenID sign-in is turned off (admin.provisioning.openid)',
    );
  }
  const body = validate<{ openid_token: string; matrix_server_name?: string }>(
    sessionRequestSchema,
    await readJson(req),
  );
  const userId = await s.openid.verify(body.openid_token, body.matrix_server_name);
  const actor: Actor = { userId, viaSecret: false, path: 'api', client };
  const session = s.auth.issue({ userId, viaSecret: false });
  await auditOk(s.ops, actor, 'sign_in');
  return sessionReply(session, s.ops, actor);
}

/**
 * The provisioning secret, presented once, for a session token: the web console keeps only
 * that token in the browser, never the secret. The session has the secret's rights (acting
 * for `?user_id=` when given).
 */
async function signInWithSecret(s: ApiServices, req: IncomingMessage, actor: Actor) {
  if (s.auth.sessionTokenOf(req) !== undefined) {
    throw new AdminError(
      'INVALID_REQUEST',
      'send the provisioning secret itself; a session cannot be exchanged for another (sign in again when it expires)',
    );
  }
  const session = s.auth.issue({ userId: actor.userId, viaSecret: true });
  await auditOk(s.ops, actor, 'sign_in_secret');
  return sessionReply(session, s.ops, actor);
}

/** Sign-out: the session token ends at once, on the bridge, not only in the browser. */
async function signOut(s: ApiServices, req: IncomingMessage, actor: Actor) {
  const token = s.auth.sessionTokenOf(req);
  if (token === undefined) {
    throw new AdminError(
      'INVALID_REQUEST',
      'only a session token can be signed out; to withdraw the provisioning secret, change admin.provisioning.secret and restart the bridge',
    );
  }
  s.auth.revoke(token);
  await auditOk(s.ops, actor, 'sign_out');
  return { status: 200, body: { signed_out: true } };
}

/** `POST /session`, `POST /session/secret`, `DELETE /session`. */
export function sessionRoutes(s: ApiServices): ApiRoute[] {
  return [
    {
      method: 'POST',
      path: '/session',
      action: 'sign_in',
      auth: false,
      handle: ({ req, client }) => signInWithOpenId(s, req, client),
    },
    {
      method: 'POST',
      path: '/session/secret',
      action: 'sign_in_secret',
      auth: true,
      handle: ({ req, actor }) => signInWithSecret(s, req, actor),
    },
    {
      method: 'DELETE',
      path: '/session',
      action: 'sign_out',
      auth: true,
      handle: ({ req, actor }) => signOut(s, req, actor),
    },
  ];
}

import type { IncomingMessage } from 'node:http';
import { actorName, type Actor } from '../actor.js';
import { AdminError } from '../errors.js';
import type { AdminOperations } from '../operations.js';
import type { ApiReply, ApiRoute, ApiServices, OperationDoc } from './api-route.js';
import { readJson, validate } from './body.js';
import { authErrors, errorRef, exampleTime, json, ref, userIdParam } from './openapi-parts.js';
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

const exampleSessionToken = 'mpbs2.q3Xv9cJ0m2H8dK4sT7wY1bN6fR5gL0pZ2aE8uI3oC4k';

const signInDoc: OperationDoc = {
  summary: 'Exchange a Matrix OpenID token for a session token.',
  description:
    "The token is checked with the user's homeserver (`/_matrix/federation/v1/openid/userinfo`). " +
    'Sign-ins are audited.',
  requestBody: {
    required: true,
    content: json(ref('SessionRequest'), {
      openid_token: 'SomeOpenIdAccessToken',
      matrix_server_name: 'example.org',
    }),
  },
  responses: {
    '200': {
      description: 'Signed in.',
      content: json(ref('Session'), {
        token: exampleSessionToken,
        user_id: '@ada:example.org',
        level: 'admin',
        expires_at: exampleTime,
      }),
    },
    '400': errorRef('BadRequest'),
    '401': errorRef('Unauthenticated'),
    '429': errorRef('RateLimited'),
    '501': { description: 'OpenID sign-in is turned off.', content: json(ref('Error')) },
    '502': errorRef('Unavailable'),
  },
};

const signInSecretDoc: OperationDoc = {
  summary: 'Exchange the provisioning secret for a session token.',
  description:
    'Send the secret as the bearer token, once; keep only the session token it answers ' +
    '(the web console does so, so the secret never stays in the browser). The session ' +
    "has the secret's rights, or with `user_id` that user's. No body. Audited.",
  parameters: [userIdParam],
  responses: {
    '200': {
      description: 'Signed in.',
      content: json(ref('Session'), {
        token: exampleSessionToken,
        user_id: null,
        level: 'admin',
        expires_at: exampleTime,
      }),
    },
    '400': {
      description: 'The bearer is a session token: a session is not exchanged again.',
      content: json(ref('Error')),
    },
    ...authErrors,
  },
};

const signOutDoc: OperationDoc = {
  summary: 'End the session whose token is presented, at once. Audited.',
  responses: {
    '200': {
      description: 'Signed out: the token is refused from now on.',
      content: json(
        {
          type: 'object',
          additionalProperties: false,
          required: ['signed_out'],
          properties: { signed_out: { const: true } },
        },
        { signed_out: true },
      ),
    },
    '400': {
      description: 'The bearer is the provisioning secret, not a session token.',
      content: json(ref('Error')),
    },
    ...authErrors,
  },
};

/** `POST /session`, `POST /session/secret`, `DELETE /session`. */
export function sessionRoutes(s: ApiServices): ApiRoute[] {
  return [
    {
      method: 'POST',
      path: '/session',
      action: 'sign_in',
      auth: false,
      doc: signInDoc,
      handle: ({ req, client }) => signInWithOpenId(s, req, client),
    },
    {
      method: 'POST',
      path: '/session/secret',
      action: 'sign_in_secret',
      auth: true,
      doc: signInSecretDoc,
      handle: ({ req, actor }) => signInWithSecret(s, req, actor),
    },
    {
      method: 'DELETE',
      path: '/session',
      action: 'sign_out',
      auth: true,
      doc: signOutDoc,
      handle: ({ req, actor }) => signOut(s, req, actor),
    },
  ];
}

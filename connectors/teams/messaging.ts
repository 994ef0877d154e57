/**
 * The bridge's Teams webhook: `POST /messages` is the bot's messaging endpoint, `GET
 * /oauth/callback` the redirect of account linking. Every activity's token is verified
 * before anything in it is used: no or an invalid token → 401 (nothing processed), an
 * unreadable activity → 400, an activity for a tenant/app that is not configured → 200 and
 * ignored, an untrusted serviceUrl → 403. The 200 goes out only after the events are emitted.
 */
import type { Logger } from 'pino';
import {
  errorMessage,
  escapeHtml,
  type WebhookHandler,
  type WebhookRequest,
  type WebhookResponse,
} from '../../src/connector/index.js';
import { MalformedActivity, parseActivity, tenantOf, type TeamsActivity } from './activity.js';
import { JwtRejected, type ActivityTokenVerifier } from './auth/activity-jwt.js';
import { LinkError } from './auth/account-links.js';
import { UntrustedServiceUrl } from './inbound.js';
import type { TeamsWorkspace } from './workspace.js';

export interface MessagingOptions {
  verifier: ActivityTokenVerifier;
  workspaces: () => TeamsWorkspace[];
  log: Logger;
  accepting: () => boolean;
}

const json = (status: number, body: object = {}): WebhookResponse => ({ status, body });

function page(status: number, title: string, text: string): WebhookResponse {
  return {
    status,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'content-security-policy': "default-src 'none'",
    },
    body: `<!doctype html><meta charset="utf-8"><title>${escapeHtml(title)}</title><h1>${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p>`,
  };
}

export function messagingHandler(o: MessagingOptions): WebhookHandler {
  const activities = async (req: WebhookRequest): Promise<WebhookResponse> => {
    if (!o.accepting())
      return json(503, { error: 'the bridge is not accepting activities right now' });
    const auth = req.headers.authorization;
    if (!auth) return json(401, { error: 'unauthorized' });
    let activity: TeamsActivity | undefined;
    let malformed: MalformedActivity | undefined;
    try {
      activity = parseActivity(req.body);
    } catch (err) {
      if (!(err instanceof MalformedActivity)) throw err;
      malformed = err;
    }
    let appId: string;
    try {
      ({ appId } = await o.verifier.verify(
        auth,
        activity && { serviceUrl: activity.serviceUrl, channelId: activity.channelId },
      ));
    } catch (err) {
      if (!(err instanceof JwtRejected)) throw err;
      // The webhook router summarises refusals at warn; one line each only when debugging.
      o.log.debug(
        { reason: err.reason, remote: req.remoteAddress },
        'activity refused: invalid token',
      );
      return json(401, { error: 'unauthorized' });
    }
    if (!activity) {
      o.log.warn({ reason: malformed?.message }, 'activity refused: malformed');
      return json(400, { error: 'malformed activity' });
    }
    const tenant = tenantOf(activity);
    const ws = o
      .workspaces()
      .find((w) => w.account.app_id === appId && (!tenant || tenant === w.account.tenant_id));
    if (!ws) {
      o.log.info(
        { tenant, type: activity.type },
        'activity from a tenant no workspace is configured for; ignored',
      );
      return json(200);
    }
    try {
      await ws.handle(activity);
    } catch (err) {
      if (err instanceof UntrustedServiceUrl) {
        o.log.warn({ workspace: ws.name, err: err.message }, 'activity refused');
        return json(403, { error: 'untrusted serviceUrl' });
      }
      o.log.error(
        { workspace: ws.name, type: activity.type, err: errorMessage(err) },
        'activity could not be processed',
      );
      return json(500, { error: 'temporary failure' });
    }
    return json(200);
  };

  const callback = async (req: WebhookRequest): Promise<WebhookResponse> => {
    const wsName = (req.query.get('state') ?? '').split('.')[0];
    const ws = o.workspaces().find((w) => w.name === wsName);
    const links = ws?.d.links;
    if (!ws || !links)
      return page(400, 'Link failed', 'This sign-in link is not valid for this bridge.');
    try {
      const { account } = await links.complete(req.query);
      o.log.info({ workspace: ws.name }, 'a Matrix user linked their Microsoft account');
      return page(
        200,
        'Account linked',
        `Your messages in Microsoft Teams are now posted as ${account.displayName}. You can close this window.`,
      );
    } catch (err) {
      const known = err instanceof LinkError;
      o.log.warn({ workspace: ws.name, err: errorMessage(err) }, 'account link failed');
      return page(
        known ? 400 : 502,
        'Link failed',
        known ? (err as Error).message : 'Microsoft could not be reached; try again.',
      );
    }
  };

  return async (req) => {
    if (req.path === '/messages')
      return req.method === 'POST' ? activities(req) : json(405, { error: 'POST only' });
    if (req.path === '/oauth/callback')
      return req.method === 'GET' ? callback(req) : json(405, { error: 'GET only' });
    return json(404, { error: 'not found' });
  };
}

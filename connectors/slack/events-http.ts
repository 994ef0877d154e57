import type { Logger } from 'pino';
import {
  errorMessage,
  type WebhookRequest,
  type WebhookResponse,
} from '../../src/connector/index.js';
import { checkSignature } from './signature.js';
import { isEventCallback, isObject, type EventCallback } from './types.js';

/** A workspace that takes Events API requests. */
export interface EventsEndpoint {
  signingSecret: string;
  /** False while the workspace is not ready (starting, stopped): Slack will retry. */
  accepting(): boolean;
  /** Resolves once the event is durably recorded (or known to be a duplicate). */
  handlePayload(payload: EventCallback, retryNum: number): Promise<void>;
}

const json = (status: number, body: object): WebhookResponse => ({ status, body });

/**
 * One Events API request: `POST {base}/events/{workspace}`. The signature is checked over the
 * raw body before anything is parsed; only then is the JSON read. Answers 200 only once the
 * event is recorded, so Slack retries anything the bridge did not keep.
 */
export async function handleEventsRequest(
  req: WebhookRequest,
  endpointFor: (workspace: string) => EventsEndpoint | undefined,
  log: Logger,
): Promise<WebhookResponse> {
  const m = /^\/events\/([a-z0-9][a-z0-9.-]*)\/?$/.exec(req.path);
  if (!m) return json(404, { error: 'unknown path; Slack events go to /events/{workspace}' });
  const workspace = m[1]!;
  if (req.method !== 'POST')
    return { ...json(405, { error: 'POST only' }), headers: { allow: 'POST' } };
  const endpoint = endpointFor(workspace);
  if (!endpoint) return json(404, { error: `no Slack workspace "${workspace}" takes events here` });
  const check = checkSignature(endpoint.signingSecret, req.headers, req.body);
  if (check !== 'ok') {
    // The webhook router summarises refusals at warn; one line each only when debugging.
    log.debug(
      { workspace, reason: check, from: req.remoteAddress },
      'refused a Slack request with a bad signature',
    );
    return json(401, { error: `signature ${check}` });
  }
  let payload: unknown;
  try {
    payload = JSON.parse(req.body.toString('utf8'));
  } catch {
    return json(400, { error: 'the body is not JSON' });
  }
  if (!isObject(payload) || typeof payload.type !== 'string') {
    return json(400, { error: 'the body is not an Events API payload' });
  }
  switch (payload.type) {
    case 'url_verification':
      if (typeof payload.challenge !== 'string' || payload.challenge.length > 200) {
        return json(400, { error: 'url_verification without a challenge' });
      }
      return json(200, { challenge: payload.challenge });
    case 'app_rate_limited':
      log.warn({ workspace }, 'Slack is dropping events: the app exceeded 30,000 events per hour');
      return { status: 200 };
    case 'event_callback':
      break;
    default:
      log.debug({ workspace, type: payload.type }, 'ignoring an Events API payload type');
      return { status: 200 };
  }
  if (!isEventCallback(payload))
    return json(400, { error: 'event_callback without event_id or event' });
  if (!endpoint.accepting()) return json(503, { error: 'not ready; retry later' });
  const retryNum = Number(req.headers['x-slack-retry-num'] ?? 0) || 0;
  try {
    await endpoint.handlePayload(payload, retryNum);
  } catch (err) {
    log.warn(
      { workspace, err: errorMessage(err) },
      'could not record a Slack event; Slack will retry',
    );
    return json(500, { error: 'could not record the event' });
  }
  return { status: 200 };
}

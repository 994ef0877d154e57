import type { Logger } from 'pino';
import type {
  ConnectorContext,
  WebhookRequest,
  WebhookResponse,
} from '../../src/connector/index.js';
import { handleEventsRequest, type EventsEndpoint } from './events-http.js';

/** The workspaces of one connector instance that take Events API requests. */
export interface EventsReceiver {
  endpoint(workspace: string): EventsEndpoint | undefined;
}

class Hub {
  readonly receivers: EventsReceiver[] = [];

  constructor(private readonly log: Logger) {}

  /** The newest receiver serving the workspace, preferring one that is accepting. */
  private find(workspace: string): EventsEndpoint | undefined {
    const all = this.receivers
      .map((r) => r.endpoint(workspace))
      .filter((e): e is EventsEndpoint => e !== undefined)
      .reverse();
    return all.find((e) => e.accepting()) ?? all[0];
  }

  handle(req: WebhookRequest): Promise<WebhookResponse> {
    return handleEventsRequest(req, (ws) => this.find(ws), this.log);
  }
}

const hubs = new Map<string, Hub>();

/**
 * Registers the connector's webhook and adds `receiver` to the receivers behind that URL.
 * The core keeps one handler per connector id; when a process runs several instances of this
 * connector one after another (a restart in place, the contract tests), requests go to the
 * newest one still running rather than to whichever registered last. Returns the webhook
 * base URL and a function that removes the receiver again.
 */
export function joinWebhook(
  ctx: ConnectorContext,
  receiver: EventsReceiver,
): { baseUrl: string; leave: () => void } {
  let hub: Hub | undefined;
  const baseUrl = ctx.registerWebhook((req) =>
    hub ? hub.handle(req) : Promise.resolve({ status: 503 }),
  );
  hub = hubs.get(baseUrl);
  if (!hub) {
    hub = new Hub(ctx.logger);
    hubs.set(baseUrl, hub);
  }
  const joined = hub;
  joined.receivers.push(receiver);
  return {
    baseUrl,
    leave: () => {
      const i = joined.receivers.indexOf(receiver);
      if (i >= 0) joined.receivers.splice(i, 1);
      if (joined.receivers.length === 0 && hubs.get(baseUrl) === joined) hubs.delete(baseUrl);
    },
  };
}

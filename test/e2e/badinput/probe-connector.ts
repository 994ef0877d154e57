/**
 * A connector that only serves a webhook, signed like real platforms sign theirs
 * (`x-probe-signature`: hex HMAC-SHA256 of the raw body). It lets the bad-input suite reach
 * the webhook router's own checks (unknown connector, body size) and a signature check, and
 * records every request it accepted so the suite can prove none of the bad ones got through.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type {
  Connector,
  ConnectorContext,
  ConnectorDefinition,
} from '../../../src/connector/contract.js';
import { UnsupportedError } from '../../../src/connector/errors.js';

export interface ProbeConfig {
  secret: string;
}

export function probeSignature(secret: string, body: string | Buffer): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}

/** Bodies the probe accepted, per secret (one bridge per secret). */
export const probeAccepted = new Map<string, string[]>();

function unsupported(): never {
  throw new UnsupportedError('the probe connector only serves a webhook');
}

export const probeDefinition: ConnectorDefinition<ProbeConfig> = {
  id: 'probe',
  displayName: 'Webhook probe',
  configSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['secret'],
    properties: { secret: { type: 'string', minLength: 8 } },
  },
  create(ctx: ConnectorContext, config: ProbeConfig): Connector {
    const accepted: string[] = [];
    probeAccepted.set(config.secret, accepted);
    return {
      async start() {
        ctx.registerWebhook(async (req) => {
          const given = Buffer.from(req.headers['x-probe-signature'] ?? '');
          const expected = Buffer.from(probeSignature(config.secret, req.body));
          if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
            return { status: 401, body: { errcode: 'M_UNAUTHORIZED', error: 'bad signature' } };
          }
          accepted.push(req.body.toString('utf8'));
          return { status: 200, body: { ok: true } };
        });
        ctx.reportState('main', { status: 'connected' });
      },
      async stop() {
        ctx.reportState('main', { status: 'stopped' });
      },
      capabilities: () => ({
        threads: false,
        maxTextLength: 1000,
      }),
      getChatInfo: async () => unsupported(),
      getUserInfo: async () => unsupported(),
      downloadAvatar: async () => unsupported(),
      sendMessage: async () => unsupported(),
    };
  },
};

/** Shared inputs and helpers of the configuration-loading tests. */
import { expect } from 'vitest';
import { ConfigError, parseConfig, type ParseConfigOptions } from '../../../src/config/index.js';

export const MINIMAL = `
homeserver:
  url: http://127.0.0.1:8008
  domain: localhost
appservice:
  port: 9000
  url: http://127.0.0.1:9000
`;

/** Minimal config with `extra` YAML appended (top-level keys). */
export function withExtra(extra: string): string {
  return `${MINIMAL}${extra}\n`;
}

/** The ConfigError thrown by parsing `yaml`. */
export function problemsOf(yaml: string, opts: ParseConfigOptions = {}): ConfigError {
  try {
    parseConfig(yaml, { env: {}, ...opts });
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected the configuration to be rejected');
}

export function messagesOf(err: ConfigError): string[] {
  return err.problems.map((p) => (p.path ? `${p.path}: ${p.message}` : p.message));
}

export const mattermostSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['workspaces'],
  properties: {
    workspaces: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        required: ['url', 'token'],
        properties: {
          url: { type: 'string' },
          token: { type: 'string' },
          identity: { type: 'string', enum: ['auto', 'override', 'attribution'], default: 'auto' },
        },
      },
    },
  },
};

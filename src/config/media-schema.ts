/** JSON schema of the `media:` block: the media policy (see docs/configuration.md). */
import { MEDIA_DIRECTIONS, SCANNER_FAILURE_MODES } from '../media/media-rules.js';

const HINT = 'x-hint';

const rule = {
  type: 'object',
  additionalProperties: false,
  properties: {
    max_file_size: { type: 'integer', minimum: 1 },
    allowed_types: {
      type: 'array',
      items: { type: 'string', minLength: 1 },
      [HINT]: 'must be a list of MIME types such as image/png, image/*, or * for any',
    },
  },
} as const;

const directions = Object.fromEntries(MEDIA_DIRECTIONS.map((d) => [d, rule]));

const layered = {
  type: 'object',
  additionalProperties: false,
  properties: { ...rule.properties, ...directions },
} as const;

const clamd = {
  type: 'object',
  additionalProperties: false,
  properties: {
    socket: { type: 'string', minLength: 1 },
    host: { type: 'string', minLength: 1 },
    port: { type: 'integer', minimum: 1, maximum: 65535 },
  },
} as const;

export const mediaConfigSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    ...layered.properties,
    connectors: {
      type: 'object',
      default: {},
      additionalProperties: layered,
    },
    scanner: {
      type: 'object',
      additionalProperties: false,
      required: ['clamd'],
      properties: {
        clamd,
        timeout_s: { type: 'integer', minimum: 1, default: 30 },
        on_failure: { type: 'string', enum: [...SCANNER_FAILURE_MODES], default: 'fail_closed' },
      },
    },
  },
} as const;

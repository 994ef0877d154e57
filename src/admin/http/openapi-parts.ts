/**
 * Building blocks of the OpenAPI document shared by the route declarations: content with
 * schema and example, references, the common parameters and the example values.
 */
import type { componentSchemas } from './schemas.js';

export const json = (schema: object, example?: unknown) => ({
  'application/json': example === undefined ? { schema } : { schema, example },
});

export const ref = (name: keyof typeof componentSchemas) => ({
  $ref: `#/components/schemas/${name}`,
});

export const errorRef = (name: string) => ({ $ref: `#/components/responses/${name}` });

/** `{ <key>: [ <component> ] }`: the shape of every list answer. */
export const listOf = (key: string, item: keyof typeof componentSchemas) => ({
  type: 'object',
  required: [key],
  properties: { [key]: { type: 'array', items: ref(item) } },
});

/** The errors every signed-in route can answer with. */
export const authErrors = {
  '401': errorRef('Unauthenticated'),
  '403': errorRef('Forbidden'),
  '429': errorRef('RateLimited'),
};

export const pathParam = (name: string, description: string) => ({
  name,
  in: 'path',
  required: true,
  description,
  schema: { type: 'string', minLength: 1 },
});

export const limitParam = {
  name: 'limit',
  in: 'query',
  description: 'How many entries, newest first (1–500, default 50).',
  schema: { type: 'integer', minimum: 1, maximum: 500, default: 50 },
};

export const userIdParam = {
  name: 'user_id',
  in: 'query',
  description:
    'With the provisioning secret only: act for this Matrix user, whose permissions and room power then apply.',
  schema: { type: 'string' },
};

/** Example values, the same in every example so the document reads as one story. */
export const exampleLink = {
  connector: 'chat-x',
  workspace: 'agency-a',
  channel: 'hxq9tbyn3jyx8gm8qqhtwb7cwa',
};
export const exampleRoomId = '!abcdefghijklmnop:example.org';
export const exampleTime = 1767225600000;

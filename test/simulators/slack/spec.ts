import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';

// Slack's published Web API description (OpenAPI v2, last updated 2020) and the Events API
// wrapper schema from shared/specs/slack, compiled for ajv. Where Slack's answers have grown
// since, an erratum widens the schema and says why; the simulator follows today's Slack.

const here = dirname(fileURLToPath(import.meta.url));
const SPEC_DIR = process.env.SLACK_SPEC_DIR ?? resolve(here, '../../../../shared/specs/slack');
const WEB_ID = 'slack-web';

type JsonObject = Record<string, unknown>;

const isObject = (v: unknown): v is JsonObject =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function convert(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(convert);
  if (!isObject(node)) return node;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === 'example' || k === 'examples' || k.startsWith('x-')) continue;
    if (k === '$ref' && typeof v === 'string' && v.startsWith('#/')) out.$ref = `${WEB_ID}${v}`;
    else out[k] = convert(v);
  }
  return out;
}

function applyErrata(defs: JsonObject): void {
  const message = defs.objs_message as JsonObject;
  const props = message.properties as JsonObject;
  // Added after 2020: edit marker, the posting app, message metadata, and `team`/`blocks`
  // on every message.
  props.edited = {
    type: 'object',
    required: ['user', 'ts'],
    properties: { user: { type: 'string' }, ts: { type: 'string' } },
  };
  props.app_id = { type: 'string' };
  props.metadata = {
    type: 'object',
    required: ['event_type'],
    properties: { event_type: { type: 'string' }, event_payload: { type: 'object' } },
  };
  props.is_locked = { type: 'boolean' };
  props.channel = { type: 'string' };
  // `icons` on messages from apps with chat:write.customize carry image_48 only.
  props.icons = { type: 'object' };
  // Files on messages are full file objects (checked on their own where it matters).
  props.files = { type: 'array', items: { type: 'object' } };
  // bot_profile is a compact object: the 2020 schema demands fields Slack no longer sends.
  const fileProps = (defs.objs_file as JsonObject).properties as JsonObject;
  // Shares are keyed by channel id (the 2020 schema forbids any key), and file_access is newer.
  const shareList = {
    type: 'array',
    items: { type: 'object', required: ['ts'], properties: { ts: { type: 'string' } } },
  };
  fileProps.shares = {
    type: 'object',
    additionalProperties: false,
    properties: {
      public: { type: 'object', additionalProperties: shareList },
      private: { type: 'object', additionalProperties: shareList },
    },
  };
  fileProps.file_access = { type: 'string' };
  props.bot_profile = {
    type: 'object',
    required: ['id', 'name', 'app_id'],
    properties: { id: { type: 'string' }, name: { type: 'string' }, app_id: { type: 'string' } },
  };
}

const PAGINATED = new Set(['conversations.history', 'conversations.replies']);

export interface SlackSpec {
  /** Validator for the 200 answer of a Web API method, e.g. `chat.postMessage`. */
  method(name: string): ValidateFunction;
  /** Validator for a definition, e.g. `objs_message`. */
  definition(name: string): ValidateFunction;
  /** The Events API wrapper (what an `events_api` envelope or HTTP body carries). */
  eventWrapper(): ValidateFunction;
  check(validate: ValidateFunction, data: unknown, what?: string): void;
}

let cached: SlackSpec | undefined;

export function loadSlackSpec(): SlackSpec {
  if (cached) return cached;
  const doc = JSON.parse(
    readFileSync(resolve(SPEC_DIR, 'slack_web_openapi_v2_without_examples.json'), 'utf8'),
  ) as JsonObject;
  const defs = convert(doc.definitions) as JsonObject;
  applyErrata(defs);
  const paths = doc.paths as JsonObject;
  const wrapper = convert(
    JSON.parse(readFileSync(resolve(SPEC_DIR, 'slack_common_event_wrapper_schema.json'), 'utf8')),
  ) as JsonObject;
  // `authed_users` was deprecated in 2020 and replaced by `authorizations`.
  wrapper.required = (wrapper.required as string[]).filter((r) => r !== 'authed_users');
  delete wrapper.$schema;

  const ajv = new Ajv({ strict: false, allErrors: true, logger: false });
  ajv.addSchema({ $id: WEB_ID, definitions: defs }, WEB_ID);
  const validators = new Map<string, ValidateFunction>();
  const cachedCompile = (key: string, schema: () => JsonObject) => {
    let v = validators.get(key);
    if (!v) {
      v = ajv.compile(schema());
      validators.set(key, v);
    }
    return v;
  };
  cached = {
    method: (name) =>
      cachedCompile(`method:${name}`, () => {
        const op = paths[`/${name}`] as JsonObject | undefined;
        const verb = (op?.post ?? op?.get) as JsonObject | undefined;
        const res = (verb?.responses as JsonObject | undefined)?.['200'] as JsonObject | undefined;
        if (!res?.schema) throw new Error(`spec has no 200 answer for ${name}`);
        const schema = convert(res.schema) as JsonObject;
        // Cursor pagination: Slack answers history and replies with response_metadata.next_cursor.
        if (PAGINATED.has(name)) {
          const props = schema.properties as JsonObject;
          props.response_metadata = { $ref: `${WEB_ID}#/definitions/objs_response_metadata` };
          // A range with no messages answers an empty list.
          delete (props.messages as JsonObject).minItems;
        }
        return schema;
      }),
    definition: (name) =>
      cachedCompile(`def:${name}`, () => ({ $ref: `${WEB_ID}#/definitions/${name}` })),
    eventWrapper: () => cachedCompile('wrapper', () => wrapper),
    check(validate, data, what = 'answer') {
      if (!validate(data)) {
        throw new Error(
          `${what} does not match the spec: ${ajv.errorsText(validate.errors, { separator: '; ' })}\n${JSON.stringify(data).slice(0, 1500)}`,
        );
      }
    },
  };
  return cached;
}

import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';

// Loads the OpenAPI 3.0 fragments of Mattermost API v4 (shared/specs/mattermost-v4), turns
// their schemas into JSON Schema for ajv (`nullable`, `$ref`s into definitions.yaml) and
// compiles response schemas on demand.

const here = dirname(fileURLToPath(import.meta.url));
const SPEC_DIR =
  process.env.MATTERMOST_SPEC_DIR ?? resolve(here, '../../../../shared/specs/mattermost-v4');
const DEFS_ID = 'mattermost-v4-definitions';

type Json = unknown;
type JsonObject = Record<string, Json>;

function isObject(v: Json): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** OpenAPI 3.0 → JSON Schema: `nullable: true` widens `type`, local `$ref`s point at definitions. */
function convert(node: Json): Json {
  if (Array.isArray(node)) return node.map(convert);
  if (!isObject(node)) return node;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === 'nullable' || k === 'example' || k.startsWith('x-')) continue;
    if (k === '$ref' && typeof v === 'string' && v.startsWith('#/')) out.$ref = `${DEFS_ID}${v}`;
    else out[k] = convert(v);
  }
  if (node.nullable === true && typeof out.type === 'string') out.type = [out.type, 'null'];
  return out;
}

/**
 * Where the published reference and the server disagree, the server wins (the simulator mimics
 * the server). Each erratum says why.
 */
function applyErrata(schemas: JsonObject): void {
  // model.User.Timezone is a StringMap: the server sends "useAutomaticTimezone":"true".
  const tz = schemas.Timezone as JsonObject;
  ((tz.properties as JsonObject).useAutomaticTimezone as JsonObject).type = ['boolean', 'string'];
}

export interface Spec {
  /** Validator for `components.schemas[name]` (Post, PostList, User, Channel, FileInfo, Reaction, AppError…). */
  schema(name: string): ValidateFunction;
  /** Validator for the `application/json` answer of `method path` with `status`. */
  response(path: string, method: string, status: string): ValidateFunction;
  /** Throws a readable error when `data` does not match. */
  check(validate: ValidateFunction, data: unknown, what?: string): void;
}

let cached: Spec | undefined;

export function loadSpec(): Spec {
  if (cached) return cached;
  const files = readdirSync(SPEC_DIR).filter((f) => f.endsWith('.yaml'));
  const docs = new Map(
    files.map((f) => [f, parse(readFileSync(join(SPEC_DIR, f), 'utf8')) as JsonObject]),
  );
  const defs = docs.get('definitions.yaml');
  if (!defs || !isObject(defs.components)) throw new Error(`no definitions.yaml in ${SPEC_DIR}`);
  const components = convert(defs.components) as JsonObject;
  applyErrata(components.schemas as JsonObject);
  const paths: JsonObject = {};
  for (const [name, doc] of docs) {
    if (name === 'definitions.yaml' || name === 'introduction.yaml') continue;
    Object.assign(paths, doc);
  }

  // ajv-formats is CommonJS with a default export.
  const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ??
    addFormatsModule) as (ajv: Ajv) => Ajv;
  const ajv = new Ajv({ strict: false, allErrors: true, logger: false });
  addFormats(ajv);
  ajv.addSchema({ $id: DEFS_ID, components }, DEFS_ID);

  const validators = new Map<string, ValidateFunction>();
  const spec: Spec = {
    schema(name) {
      const key = `schema:${name}`;
      let v = validators.get(key);
      if (!v) {
        if (!isObject((components.schemas as JsonObject)[name]))
          throw new Error(`no schema ${name}`);
        v = ajv.compile({ $ref: `${DEFS_ID}#/components/schemas/${name}` });
        validators.set(key, v);
      }
      return v;
    },
    response(path, method, status) {
      const key = `response:${method} ${path} ${status}`;
      let v = validators.get(key);
      if (!v) {
        const op = (paths[path] as JsonObject | undefined)?.[method.toLowerCase()] as
          JsonObject | undefined;
        let res = (op?.responses as JsonObject | undefined)?.[status] as JsonObject | undefined;
        if (!res) throw new Error(`spec has no ${status} answer for ${method} ${path}`);
        if (typeof res.$ref === 'string') {
          const name = res.$ref.split('/').pop() as string;
          res = (components.responses as JsonObject)[name] as JsonObject;
        }
        const content = (res.content as JsonObject | undefined)?.['application/json'] as
          JsonObject | undefined;
        if (!content?.schema) throw new Error(`no JSON schema for ${method} ${path} ${status}`);
        v = ajv.compile(convert(content.schema) as JsonObject);
        validators.set(key, v);
      }
      return v;
    },
    check(validate, data, what = 'answer') {
      if (!validate(data)) {
        throw new Error(
          `${what} does not match the spec: ${ajv.errorsText(validate.errors, { separator: '; ' })}\n${JSON.stringify(data).slice(0, 2000)}`,
        );
      }
    },
  };
  cached = spec;
  return spec;
}

import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import { parse } from 'yaml';

// Loads Rocket.Chat's OpenAPI 3 description (shared/specs/rocketchat/*.yaml), turns its
// schemas into JSON Schema for ajv and compiles response schemas on demand. Each file has its
// own `components`, so local `$ref`s are rewritten to point into the file they come from.

const here = dirname(fileURLToPath(import.meta.url));
const SPEC_DIR =
  process.env.ROCKETCHAT_SPEC_DIR ?? resolve(here, '../../../../shared/specs/rocketchat');

type JsonObject = Record<string, unknown>;
const isObject = (v: unknown): v is JsonObject =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * OpenAPI → JSON Schema, plus one erratum: the published `md` schemas describe one example
 * message (every node's `value` a string) while the server sends @rocket.chat/message-parser's
 * AST, whose nodes nest; `md` is checked as an array only.
 */
function convert(node: unknown, fileId: string): unknown {
  if (Array.isArray(node)) return node.map((n) => convert(n, fileId));
  if (!isObject(node)) return node;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === 'nullable' || k === 'example' || k === 'examples' || k.startsWith('x-')) continue;
    if (k === '$ref' && typeof v === 'string' && v.startsWith('#/')) out.$ref = `${fileId}${v}`;
    else if (k === 'properties' && isObject(v)) {
      out.properties = Object.fromEntries(
        Object.entries(v).map(([name, s]) => [
          name,
          name === 'md' ? { type: 'array' } : convert(s, fileId),
        ]),
      );
    } else out[k] = convert(v, fileId);
  }
  if (node.nullable === true && typeof out.type === 'string') out.type = [out.type, 'null'];
  return out;
}

export interface Spec {
  /** Validator for the `application/json` answer of `method path` with `status`. */
  response(path: string, method: string, status: string): ValidateFunction;
  check(validate: ValidateFunction, data: unknown, what?: string): void;
}

let cached: Spec | undefined;

export function loadSpec(): Spec {
  if (cached) return cached;
  const ajv = new Ajv({ strict: false, allErrors: true, logger: false, validateFormats: false });
  const paths = new Map<string, { op: JsonObject; fileId: string; components: JsonObject }>();
  for (const file of readdirSync(SPEC_DIR).filter((f) => f.endsWith('.yaml'))) {
    const doc = parse(readFileSync(join(SPEC_DIR, file), 'utf8')) as JsonObject;
    const fileId = `rocketchat-${file.replace(/\.yaml$/, '')}`;
    const components = (convert(doc.components ?? {}, fileId) as JsonObject) ?? {};
    ajv.addSchema({ $id: fileId, components }, fileId);
    for (const [p, item] of Object.entries((doc.paths ?? {}) as JsonObject)) {
      if (!isObject(item)) continue;
      for (const [m, op] of Object.entries(item)) {
        if (isObject(op)) paths.set(`${m.toUpperCase()} ${p}`, { op, fileId, components });
      }
    }
  }
  const validators = new Map<string, ValidateFunction>();
  cached = {
    response(path, method, status) {
      const key = `${method.toUpperCase()} ${path} ${status}`;
      let v = validators.get(key);
      if (v) return v;
      const entry = paths.get(`${method.toUpperCase()} ${path}`);
      if (!entry) throw new Error(`spec has no ${method} ${path}`);
      let res = (entry.op.responses as JsonObject | undefined)?.[status] as JsonObject | undefined;
      if (!res) throw new Error(`spec has no ${status} answer for ${method} ${path}`);
      if (typeof res.$ref === 'string') {
        const name = res.$ref.split('/').pop()!;
        res = ((entry.components.responses as JsonObject)[name] as JsonObject) ?? {};
      }
      const schema = (
        (res.content as JsonObject | undefined)?.['application/json'] as JsonObject | undefined
      )?.schema;
      if (!schema) throw new Error(`no JSON schema for ${method} ${path} ${status}`);
      v = ajv.compile(convert(schema, entry.fileId) as JsonObject);
      validators.set(key, v);
      return v;
    },
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

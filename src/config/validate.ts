/**
 * ajv set-up and the translation of ajv errors into operator-facing problems that name the
 * key in dotted form (`bridge.retry.max_attempts: must be ≥ 1`).
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FormatsPlugin } from 'ajv-formats';
import { BridgeError, errorMessage } from '../util/errors.js';
import type { ConfigProblem } from './errors.js';
import { formatPath, fromPointer, type PathSegment } from './paths.js';
import { HINT_KEYWORD, bridgeConfigSchema } from './schema.js';
import { describeAjvError } from './ajv-messages.js';

// ajv-formats is CommonJS with `exports.default`; under NodeNext the default import is the
// module object for the type checker but the function itself at runtime.
const addFormats: FormatsPlugin =
  (addFormatsModule as unknown as { default?: FormatsPlugin }).default ??
  (addFormatsModule as unknown as FormatsPlugin);

/** An ajv instance set up like the config validators (allErrors, useDefaults, formats, `x-hint`). */
export function newAjv(strict: boolean): Ajv {
  const ajv = new Ajv({
    allErrors: true,
    useDefaults: true,
    verbose: true,
    strict,
    allowUnionTypes: true,
  });
  ajv.addKeyword({ keyword: HINT_KEYWORD, schemaType: 'string' });
  addFormats(ajv);
  return ajv;
}

let coreValidator: ValidateFunction | undefined;

/** The compiled core schema (strict mode: a mistake in the schema fails loudly). */
export function coreValidate(): ValidateFunction {
  coreValidator ??= newAjv(true).compile(bridgeConfigSchema);
  return coreValidator;
}

const connectorValidators = new WeakMap<object, ValidateFunction>();

/**
 * Compiled connector schema. Each gets its own (non-strict) ajv instance so schemas with
 * the same `$id`, or with annotation keywords of their own, do not clash.
 */
export function connectorValidate(connectorId: string, schema: object): ValidateFunction {
  let validate = connectorValidators.get(schema);
  if (!validate) {
    try {
      validate = newAjv(false).compile(schema);
    } catch (err) {
      throw new BridgeError(
        'CONFIG_SCHEMA_INVALID',
        `The config schema of connector "${connectorId}" cannot be compiled: ${errorMessage(err)}`,
        { cause: err },
      );
    }
    connectorValidators.set(schema, validate);
  }
  return validate;
}

/**
 * Run `validate` on `data`. Values that came entirely from one `${env:…}`/`${file:…}`
 * placeholder are strings; where the schema wants a number or boolean and the text is one,
 * convert it and validate again, so `port: ${env:PORT}` works.
 */
export function validateWithCoercion(
  validate: ValidateFunction,
  data: unknown,
  substituted: ReadonlySet<string>,
  pointerPrefix = '',
): ErrorObject[] {
  if (validate(data)) return [];
  let errors = validate.errors ?? [];
  let coerced = false;
  for (const error of errors) {
    if (error.keyword !== 'type' || !substituted.has(pointerPrefix + error.instancePath)) continue;
    const segments = fromPointer(error.instancePath, data);
    const last = segments.at(-1);
    const parent = segments.length === 0 ? undefined : getAt(data, segments.slice(0, -1));
    if (last === undefined || parent === undefined) continue;
    const text = (parent as Record<PathSegment, unknown>)[last];
    if (typeof text !== 'string') continue;
    const value = coerce(text, error.params['type'] as string | string[]);
    if (value !== undefined) {
      (parent as Record<PathSegment, unknown>)[last] = value;
      coerced = true;
    }
  }
  if (coerced) errors = validate(data) ? [] : (validate.errors ?? []);
  return errors;
}

function getAt(data: unknown, segments: readonly PathSegment[]): object | undefined {
  let node = data;
  for (const segment of segments) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<PathSegment, unknown>)[segment];
  }
  return typeof node === 'object' && node !== null ? node : undefined;
}

function coerce(text: string, type: string | string[]): number | boolean | undefined {
  const types = Array.isArray(type) ? type : [type];
  const trimmed = text.trim();
  if (types.includes('integer') && /^-?\d+$/.test(trimmed)) return Number(trimmed);
  if (types.includes('number') && trimmed !== '' && Number.isFinite(Number(trimmed))) {
    return Number(trimmed);
  }
  if (types.includes('boolean') && (trimmed === 'true' || trimmed === 'false')) {
    return trimmed === 'true';
  }
  return undefined;
}

/**
 * Turn ajv's errors for `data` into problems, paths prefixed with `prefix`. Errors that
 * merely summarise others (`if`, `propertyNames`, branches of a failed `anyOf`/`oneOf`)
 * are dropped; at most one problem is kept per key and message.
 */
export function describeAjvErrors(
  errors: readonly ErrorObject[],
  data: unknown,
  prefix: readonly PathSegment[] = [],
): (ConfigProblem & { segments: PathSegment[] })[] {
  const alternatives = errors
    .filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf')
    .map((e) => `${e.schemaPath}/`);
  const kept = errors.filter(
    (e) =>
      e.keyword !== 'if' &&
      e.keyword !== 'propertyNames' &&
      !alternatives.some((p) => e.schemaPath.startsWith(p)),
  );
  // A wrong type makes every other complaint about the same value noise.
  const typeErrorAt = new Set(kept.filter((e) => e.keyword === 'type').map((e) => e.instancePath));

  const seen = new Set<string>();
  const problems: (ConfigProblem & { segments: PathSegment[] })[] = [];
  for (const error of kept) {
    if (error.keyword !== 'type' && typeErrorAt.has(error.instancePath)) continue;
    const described = describeAjvError(error, data);
    const segments = [...prefix, ...described.segments];
    const path = formatPath(segments);
    const key = `${path}\n${described.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push({ path, message: described.message, segments });
  }
  return problems;
}

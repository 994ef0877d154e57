/**
 * ajv set-up and the translation of ajv errors into operator-facing problems that name the
 * key in dotted form (`bridge.retry.max_attempts: must be ≥ 1`).
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FormatsPlugin } from 'ajv-formats';
import { BridgeError, errorMessage } from '../util/errors.js';
import type { ConfigProblem } from './errors.js';
import { formatPath, fromPointer, isPlainObject, suggest, type PathSegment } from './paths.js';
import { HINT_KEYWORD, bridgeConfigSchema } from './schema.js';

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

interface Described {
  segments: PathSegment[];
  message: string;
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

function hintOf(schema: unknown): string | undefined {
  if (!isPlainObject(schema)) return undefined;
  const hint = schema[HINT_KEYWORD];
  return typeof hint === 'string' ? hint : undefined;
}

function kindOf(value: unknown): string {
  if (value === null || value === undefined) return 'an empty value';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return value === '' ? 'an empty string' : 'a string';
  if (typeof value === 'number') return Number.isInteger(value) ? 'an integer' : 'a number';
  if (typeof value === 'boolean') return 'true/false';
  return typeof value;
}

const TYPE_NAMES: Record<string, string> = {
  string: 'a string',
  integer: 'an integer',
  number: 'a number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping (key: value pairs)',
  null: 'empty',
};

function rangeText(schema: Record<string, unknown>): string | undefined {
  const min = schema['minimum'];
  const max = schema['maximum'];
  if (typeof min === 'number' && typeof max === 'number') return `between ${min} and ${max}`;
  if (typeof min === 'number') return `≥ ${min}`;
  if (typeof max === 'number') return `≤ ${max}`;
  return undefined;
}

export function describeAjvError(error: ErrorObject, data: unknown): Described {
  const segments = fromPointer(error.instancePath, data);
  const params = error.params as Record<string, unknown>;
  const parent = isPlainObject(error.parentSchema) ? error.parentSchema : {};
  const hint = hintOf(parent);

  // An invalid key inside a propertyNames check: the key itself is the problem.
  if (error.propertyName !== undefined) {
    return {
      segments: [...segments, error.propertyName],
      message: hint ?? `is not an allowed key name (${error.message ?? 'invalid'})`,
    };
  }

  switch (error.keyword) {
    case 'required':
      return { segments: [...segments, String(params['missingProperty'])], message: 'is required' };
    case 'dependencies':
    case 'dependentRequired':
      return {
        segments: [...segments, String(params['missingProperty'])],
        message: `is required when "${String(params['property'])}" is set`,
      };
    case 'additionalProperties': {
      const key = String(params['additionalProperty']);
      const known = isPlainObject(parent['properties']) ? Object.keys(parent['properties']) : [];
      const close = suggest(key, known);
      return {
        segments: [...segments, key],
        message: close ? `unknown key (did you mean "${close}"?)` : unknownKeyMessage(known),
      };
    }
    case 'type': {
      const expected = Array.isArray(params['type'])
        ? (params['type'] as string[])
        : String(params['type']).split(',');
      const names = expected.map((t) => TYPE_NAMES[t] ?? t).join(' or ');
      const range = rangeText(parent);
      const got = kindOf(error.data);
      const quote =
        expected.includes('string') &&
        (typeof error.data === 'number' || typeof error.data === 'boolean')
          ? '; put the value in quotes'
          : '';
      return {
        segments,
        message: `must be ${names}${range ? ` ${range}` : ''} (got ${got}${quote})`,
      };
    }
    case 'minimum':
    case 'maximum': {
      const range = rangeText(parent);
      const type = parent['type'] === 'integer' ? 'an integer ' : '';
      if (range?.startsWith('between')) return { segments, message: `must be ${type}${range}` };
      const limit = String(params['limit']);
      return { segments, message: `must be ${error.keyword === 'minimum' ? '≥' : '≤'} ${limit}` };
    }
    case 'exclusiveMinimum':
      return { segments, message: `must be > ${String(params['limit'])}` };
    case 'exclusiveMaximum':
      return { segments, message: `must be < ${String(params['limit'])}` };
    case 'multipleOf':
      return { segments, message: `must be a multiple of ${String(params['multipleOf'])}` };
    case 'enum': {
      const allowed = (params['allowedValues'] as unknown[]) ?? [];
      const strings = allowed.filter((v): v is string => typeof v === 'string');
      const close = typeof error.data === 'string' ? suggest(error.data, strings) : undefined;
      const list = allowed.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(', ');
      return {
        segments,
        message: `must be one of: ${list}${close ? ` (did you mean "${close}"?)` : ''}`,
      };
    }
    case 'const':
      return { segments, message: `must be ${JSON.stringify(params['allowedValue'])}` };
    case 'pattern':
      return { segments, message: hint ?? `must match the pattern ${String(params['pattern'])}` };
    case 'format':
      return { segments, message: hint ?? `must be a valid ${String(params['format'])}` };
    case 'minLength': {
      const limit = Number(params['limit']);
      if (limit === 1) return { segments, message: 'must not be empty' };
      return { segments, message: `must be at least ${limit} characters long` };
    }
    case 'maxLength':
      return { segments, message: `must be at most ${String(params['limit'])} characters long` };
    case 'minItems': {
      const limit = Number(params['limit']);
      return {
        segments,
        message: `must have at least ${limit} ${limit === 1 ? 'entry' : 'entries'}`,
      };
    }
    case 'maxItems':
      return { segments, message: `must have at most ${String(params['limit'])} entries` };
    case 'uniqueItems':
      return {
        segments,
        message: `must not contain duplicates (entries ${String(params['j'])} and ${String(params['i'])} are the same)`,
      };
    case 'minProperties':
      return { segments, message: `must have at least ${String(params['limit'])} key(s)` };
    case 'maxProperties':
      return { segments, message: `must have at most ${String(params['limit'])} key(s)` };
    case 'anyOf':
    case 'oneOf':
      return {
        segments,
        message:
          hint ??
          (error.keyword === 'oneOf' && params['passingSchemas']
            ? 'matches more than one of the allowed forms'
            : 'does not match any of the allowed forms'),
      };
    case 'not':
      return { segments, message: hint ?? 'is not allowed here' };
    case 'false schema':
      return { segments, message: 'is not allowed here' };
    default:
      return { segments, message: hint ?? error.message ?? `is invalid (${error.keyword})` };
  }
}

function unknownKeyMessage(known: string[]): string {
  if (known.length === 0) return 'unknown key';
  const list = known.length > 12 ? `${known.slice(0, 12).join(', ')}, …` : known.join(', ');
  return `unknown key (allowed here: ${list})`;
}

/**
 * One ajv error as a sentence for the operator: what the key at fault must be, with the
 * closest known key or value when it looks like a typo, and the schema's own hint when it
 * has one. Errors about a key (missing, unknown, invalid name) point at that key.
 */
import type { ErrorObject } from 'ajv';
import { fromPointer, isPlainObject, suggest, type PathSegment } from './paths.js';
import { HINT_KEYWORD } from './schema.js';

export interface Described {
  segments: PathSegment[];
  message: string;
}

/** What a message is made from: ajv's error, its params, the failing schema and its hint. */
interface Facts {
  error: ErrorObject;
  params: Record<string, unknown>;
  parent: Record<string, unknown>;
  hint: string | undefined;
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

function unknownKeyMessage(known: string[]): string {
  if (known.length === 0) return 'unknown key';
  const list = known.length > 12 ? `${known.slice(0, 12).join(', ')}, …` : known.join(', ');
  return `unknown key (allowed here: ${list})`;
}

/** Errors about a key of a mapping rather than a value: the path names that key. */
function keyProblem(f: Facts): { key: string; message: string } | undefined {
  const { error, params, parent } = f;
  switch (error.keyword) {
    case 'required':
      return { key: String(params['missingProperty']), message: 'is required' };
    case 'dependencies':
    case 'dependentRequired':
      return {
        key: String(params['missingProperty']),
        message: `is required when "${String(params['property'])}" is set`,
      };
    case 'additionalProperties': {
      const key = String(params['additionalProperty']);
      const known = isPlainObject(parent['properties']) ? Object.keys(parent['properties']) : [];
      const close = suggest(key, known);
      return {
        key,
        message: close ? `unknown key (did you mean "${close}"?)` : unknownKeyMessage(known),
      };
    }
    default:
      return undefined;
  }
}

function typeMessage({ error, params, parent }: Facts): string {
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
  return `must be ${names}${range ? ` ${range}` : ''} (got ${got}${quote})`;
}

function boundMessage({ error, params, parent }: Facts): string {
  const range = rangeText(parent);
  const type = parent['type'] === 'integer' ? 'an integer ' : '';
  if (range?.startsWith('between')) return `must be ${type}${range}`;
  return `must be ${error.keyword === 'minimum' ? '≥' : '≤'} ${String(params['limit'])}`;
}

function enumMessage({ error, params }: Facts): string {
  const allowed = (params['allowedValues'] as unknown[]) ?? [];
  const strings = allowed.filter((v): v is string => typeof v === 'string');
  const close = typeof error.data === 'string' ? suggest(error.data, strings) : undefined;
  const list = allowed.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(', ');
  return `must be one of: ${list}${close ? ` (did you mean "${close}"?)` : ''}`;
}

function alternativesMessage({ error, params, hint }: Facts): string {
  if (hint) return hint;
  return error.keyword === 'oneOf' && params['passingSchemas']
    ? 'matches more than one of the allowed forms'
    : 'does not match any of the allowed forms';
}

const limit = (f: Facts): string => String(f.params['limit']);

/** The message for a value that breaks a keyword, by keyword. */
const VALUE_MESSAGES: Record<string, (f: Facts) => string> = {
  type: typeMessage,
  minimum: boundMessage,
  maximum: boundMessage,
  exclusiveMinimum: (f) => `must be > ${limit(f)}`,
  exclusiveMaximum: (f) => `must be < ${limit(f)}`,
  multipleOf: (f) => `must be a multiple of ${String(f.params['multipleOf'])}`,
  enum: enumMessage,
  const: (f) => `must be ${JSON.stringify(f.params['allowedValue'])}`,
  pattern: (f) => f.hint ?? `must match the pattern ${String(f.params['pattern'])}`,
  format: (f) => f.hint ?? `must be a valid ${String(f.params['format'])}`,
  minLength: (f) =>
    Number(f.params['limit']) === 1
      ? 'must not be empty'
      : `must be at least ${limit(f)} characters long`,
  maxLength: (f) => `must be at most ${limit(f)} characters long`,
  minItems: (f) =>
    `must have at least ${limit(f)} ${Number(f.params['limit']) === 1 ? 'entry' : 'entries'}`,
  maxItems: (f) => `must have at most ${limit(f)} entries`,
  uniqueItems: (f) =>
    `must not contain duplicates (entries ${String(f.params['j'])} and ${String(f.params['i'])} are the same)`,
  minProperties: (f) => `must have at least ${limit(f)} key(s)`,
  maxProperties: (f) => `must have at most ${limit(f)} key(s)`,
  anyOf: alternativesMessage,
  oneOf: alternativesMessage,
  not: (f) => f.hint ?? 'is not allowed here',
  'false schema': () => 'is not allowed here',
};

export function describeAjvError(error: ErrorObject, data: unknown): Described {
  const segments = fromPointer(error.instancePath, data);
  const parent = isPlainObject(error.parentSchema) ? error.parentSchema : {};
  const facts: Facts = {
    error,
    params: error.params as Record<string, unknown>,
    parent,
    hint: hintOf(parent),
  };
  // An invalid key inside a propertyNames check: the key itself is the problem.
  if (error.propertyName !== undefined) {
    return {
      segments: [...segments, error.propertyName],
      message: facts.hint ?? `is not an allowed key name (${error.message ?? 'invalid'})`,
    };
  }
  const keyed = keyProblem(facts);
  if (keyed) return { segments: [...segments, keyed.key], message: keyed.message };
  const message = Object.hasOwn(VALUE_MESSAGES, error.keyword)
    ? (VALUE_MESSAGES[error.keyword] as (f: Facts) => string)(facts)
    : (facts.hint ?? error.message ?? `is invalid (${error.keyword})`);
  return { segments, message };
}

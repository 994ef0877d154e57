import type { IncomingMessage } from 'node:http';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { describeAjvErrors, newAjv } from '../../config/validate.js';
import { collectBoundedBody } from '../../util/bounded-body.js';
import { AdminError } from '../errors.js';

export const MAX_BODY_BYTES = 64 * 1024;

/** The request body as JSON; AdminError NOT_JSON / TOO_LARGE otherwise. */
export async function readJson(req: IncomingMessage): Promise<unknown> {
  const body = await collectBoundedBody(req, MAX_BODY_BYTES);
  if (body === 'too_large') {
    throw new AdminError('TOO_LARGE', `the body is over ${MAX_BODY_BYTES} bytes`);
  }
  const text = body?.toString('utf8') ?? '';
  if (text.trim() === '') throw new AdminError('NOT_JSON', 'the body must be a JSON object');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new AdminError('NOT_JSON', 'the body is not valid JSON');
  }
}

const ajv = newAjv(false);
const compiled = new WeakMap<object, ValidateFunction>();

/**
 * Checks `data` against a request schema; AdminError INVALID_REQUEST naming the first field
 * at fault (and listing every problem) otherwise.
 */
export function validate<T>(schema: object, data: unknown, what = 'the body'): T {
  let fn = compiled.get(schema);
  if (!fn) {
    fn = ajv.compile(schema);
    compiled.set(schema, fn);
  }
  if (fn(data)) return data as T;
  const errors: ErrorObject[] = fn.errors ?? [];
  const problems = describeAjvErrors(errors, data);
  const first = problems[0];
  const field = first && first.path !== '' ? first.path : undefined;
  const text = problems.map((p) => (p.path ? `${p.path}: ${p.message}` : p.message)).join('; ');
  throw new AdminError('INVALID_REQUEST', `${what} is invalid: ${text}`, field ? { field } : {});
}

import type { IncomingMessage } from 'node:http';
import busboy from 'busboy';
import { fail } from './errors.js';

export type Args = Record<string, unknown>;

export class BodyTooLarge extends Error {}

/** Reads the whole body; past `limit` bytes it stops keeping data and fails. */
export function readRaw(req: IncomingMessage, limit: number): Promise<Buffer> {
  if (Number(req.headers['content-length'] ?? 0) > limit) {
    req.resume();
    return Promise.reject(new BodyTooLarge());
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    req.on('end', () =>
      size > limit ? reject(new BodyTooLarge()) : resolve(Buffer.concat(chunks)),
    );
    req.on('error', reject);
  });
}

/**
 * Method arguments as Slack reads them: query string, then a form-encoded or JSON body
 * (JSON bodies need the token in the Authorization header, as on Slack).
 */
export function parseArgs(
  contentType: string | undefined,
  raw: Buffer,
  query: URLSearchParams,
): Args {
  const args: Args = Object.fromEntries(query.entries());
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (raw.length === 0) return args;
  if (type === 'application/json') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw.toString('utf8'));
    } catch {
      throw fail('invalid_json');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw fail('json_not_object');
    }
    return { ...args, ...(parsed as Args) };
  }
  if (type === 'application/x-www-form-urlencoded' || type === '') {
    for (const [k, v] of new URLSearchParams(raw.toString('utf8'))) args[k] = v;
    return args;
  }
  throw fail('invalid_form_data');
}

/** The bytes of an external upload: the raw body, or the first file part of a multipart body. */
export function uploadBytes(req: IncomingMessage, limit: number): Promise<Buffer> {
  const type = (req.headers['content-type'] ?? '').toLowerCase();
  if (!type.startsWith('multipart/form-data')) return readRaw(req, limit);
  return new Promise((resolve, reject) => {
    let bb: busboy.Busboy;
    try {
      bb = busboy({ headers: req.headers, limits: { fileSize: limit, files: 1 } });
    } catch {
      reject(fail('invalid_form_data'));
      return;
    }
    let data: Buffer | undefined;
    let tooLarge = false;
    bb.on('file', (_name, stream) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('limit', () => (tooLarge = true));
      stream.on('close', () => (data ??= Buffer.concat(chunks)));
    });
    bb.on('error', () => reject(fail('invalid_form_data')));
    bb.on('close', () => {
      if (tooLarge) reject(new BodyTooLarge());
      else if (!data) reject(fail('no_file_data'));
      else resolve(data);
    });
    req.pipe(bb);
  });
}

export function str(args: Args, name: string): string | undefined {
  const v = args[name];
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

export function required(args: Args, name: string, error = 'invalid_arguments'): string {
  const v = str(args, name);
  if (v === undefined || v === '') throw fail(error, { argument: name });
  return v;
}

export function bool(args: Args, name: string): boolean {
  const v = args[name];
  return v === true || v === 'true' || v === '1' || v === 1;
}

export function int(args: Args, name: string, fallback: number): number {
  const v = Number(str(args, name));
  return Number.isInteger(v) ? v : fallback;
}

/** An argument Slack takes as JSON: a JSON-encoded string in forms, a value in JSON bodies. */
export function jsonArg(args: Args, name: string): unknown {
  const v = args[name];
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v) as unknown;
  } catch {
    throw fail('invalid_arguments', { argument: name });
  }
}

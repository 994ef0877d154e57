/**
 * `${env:NAME}` and `${file:/path}` in the configuration: secrets kept out of the file.
 * Every placeholder that cannot be resolved is a problem naming the key, the variable or
 * file, and why.
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { errorMessage } from '../util/errors.js';
import type { ConfigProblem } from './errors.js';
import { formatPath, isPlainObject, toPointer, type PathSegment } from './paths.js';

const PLACEHOLDER = /(\$?)\$\{(env|file):([^}]*)\}/g;
const WHOLE_PLACEHOLDER = /^\$\{(env|file):[^}]*\}$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export interface Substitution {
  value: unknown;
  problems: (ConfigProblem & { segments: PathSegment[] })[];
  /** JSON pointers of values that were exactly one placeholder (candidates for coercion). */
  substituted: Set<string>;
  /** Dotted paths whose placeholder could not be resolved. */
  failed: Set<string>;
}

interface SubstitutionContext {
  env: NodeJS.ProcessEnv;
  baseDir: string;
}

/** A placeholder's value, or a reason it has none (reported at the key that uses it). */
type Resolved = { value: string } | { problem: string };

function resolveEnv(arg: string, env: NodeJS.ProcessEnv): Resolved {
  const name = arg.trim();
  if (!ENV_NAME.test(name)) {
    return { problem: `\${env:${arg}}: "${arg}" is not a valid environment variable name` };
  }
  const value = env[name];
  if (value === undefined || value === '') {
    return { problem: `environment variable ${name} is not set (used as \${env:${name}})` };
  }
  return { value };
}

function resolveFile(arg: string, baseDir: string): Resolved {
  const name = arg.trim();
  if (name === '') {
    return { problem: '${file:…} needs a file path, e.g. ${file:/run/secrets/token}' };
  }
  const file = isAbsolute(name) ? name : resolve(baseDir, name);
  let content: string;
  try {
    content = readFileSync(file, 'utf8').trim();
  } catch (err) {
    return {
      problem: `cannot read secret file ${file} (used as \${file:${name}}): ${fileErrorReason(err)}`,
    };
  }
  if (content === '') return { problem: `secret file ${file} (used as \${file:${name}}) is empty` };
  return { value: content };
}

/**
 * Replace placeholders in every string value (not keys) of `value`, returning a copy (so a
 * YAML anchor used twice does not share one object). `$${env:X}` stands for a literal
 * `${env:X}`.
 */
export function substitute(
  root: unknown,
  rootSegments: PathSegment[],
  ctx: SubstitutionContext,
): Substitution {
  const result: Substitution = {
    value: undefined,
    problems: [],
    substituted: new Set(),
    failed: new Set(),
  };
  const resolveOne = (kind: string, arg: string, segments: PathSegment[]): string | undefined => {
    const resolved = kind === 'env' ? resolveEnv(arg, ctx.env) : resolveFile(arg, ctx.baseDir);
    if ('value' in resolved) return resolved.value;
    const path = formatPath(segments);
    result.failed.add(path);
    result.problems.push({ path, message: resolved.problem, segments });
    return undefined;
  };
  const walk = (value: unknown, segments: PathSegment[]): unknown => {
    if (typeof value === 'string') {
      if (!value.includes('${')) return value;
      if (WHOLE_PLACEHOLDER.test(value)) result.substituted.add(toPointer(segments));
      return value.replace(PLACEHOLDER, (match, escape: string, kind: string, arg: string) => {
        if (escape === '$') return match.slice(1);
        return resolveOne(kind, arg, segments) ?? match;
      });
    }
    if (Array.isArray(value)) return value.map((item, i) => walk(item, [...segments, i]));
    if (isPlainObject(value)) {
      const copy: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value)) copy[key] = walk(item, [...segments, key]);
      return copy;
    }
    return value;
  };
  result.value = walk(root, rootSegments);
  return result;
}

/** Why a file could not be read, in words an operator can act on. */
export function fileErrorReason(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return 'the file does not exist';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'it is a folder, not a file';
  return errorMessage(err);
}

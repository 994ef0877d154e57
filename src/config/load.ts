/**
 * Reading the configuration file: YAML → `${env:…}`/`${file:…}` substitution → schema
 * validation (core schema, then each connector's own schema) → cross-checks → defaults and
 * absolute paths. Every problem found is collected and reported in one ConfigError.
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { LineCounter, isNode, parseDocument, type Document } from 'yaml';
import { errorMessage } from '../util/errors.js';
import { ConfigError, type ConfigProblem } from './errors.js';
import { formatPath, isPlainObject, suggest, toPointer, type PathSegment } from './paths.js';
import { CONNECTOR_ID_PATTERN, type BridgeConfig } from './schema.js';
import {
  connectorValidate,
  coreValidate,
  describeAjvErrors,
  validateWithCoercion,
} from './validate.js';

export interface LoadConfigOptions {
  /**
   * Connector id → that connector's `configSchema`. When given, each `connectors.<id>` block
   * is validated against its schema and an id without a schema is an error. When absent,
   * connector blocks are only checked to be mappings.
   */
  connectorSchemas?: Record<string, object>;
  /** Where `${env:NAME}` values come from. Defaults to `process.env`. */
  env?: NodeJS.ProcessEnv;
}

export interface ParseConfigOptions extends LoadConfigOptions {
  /** Folder relative paths (registration, data_dir, `${file:…}`) resolve against. Default: cwd. */
  baseDir?: string;
  /** How the file is named in error messages (normally its path). */
  source?: string;
}

/** Read, validate and complete the configuration file at `path`. Throws ConfigError. */
export function loadConfig(path: string, opts: LoadConfigOptions = {}): BridgeConfig {
  const file = resolve(path);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const reason = fileErrorReason(err);
    const problem = { path: '', message: `cannot read ${file}: ${reason}` };
    throw new ConfigError(
      'CONFIG_INVALID',
      `Cannot read the configuration file ${file}: ${reason}.\n` +
        `Please create it (start from config/config.sample.yaml) or pass the right path with -c <path>.`,
      [problem],
      { cause: err },
    );
  }
  return parseConfig(text, { ...opts, baseDir: dirname(file), source: file });
}

/** Validate configuration given as YAML text. Throws ConfigError. */
export function parseConfig(yamlText: string, opts: ParseConfigOptions = {}): BridgeConfig {
  const source = opts.source;
  const baseDir = opts.baseDir ?? process.cwd();
  const env = opts.env ?? process.env;

  const lineCounter = new LineCounter();
  const doc = parseDocument(yamlText, { lineCounter, prettyErrors: true, merge: true });
  if (doc.errors.length > 0) {
    throw ConfigError.invalid(doc.errors.map(yamlProblem), source);
  }
  const problems: ConfigProblem[] = doc.warnings
    .filter((w) => w.code === 'TAG_RESOLVE_FAILED')
    .map((w) => {
      const tag = /Unresolved tag: (\S+)/.exec(w.message)?.[1] ?? 'the value';
      return {
        ...yamlProblem(w),
        message:
          `${yamlPosition(w)}YAML reads ${tag} as a tag because it starts with "!": ` +
          `put the value in quotes ("${tag}")`,
      };
    });

  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: 1000 });
  } catch (err) {
    throw ConfigError.invalid([{ path: '', message: errorMessage(err) }], source, { cause: err });
  }
  if (raw === null || raw === undefined) raw = {};
  if (!isPlainObject(raw)) {
    throw ConfigError.invalid(
      [{ path: '', message: 'the file must be a YAML mapping (homeserver:, appservice:, …)' }],
      source,
    );
  }

  // 1. Placeholders.
  const substitution = substitute(raw, [], { env, baseDir });
  for (const p of substitution.problems) {
    problems.push({ path: p.path, message: p.message, line: lineOf(doc, lineCounter, p.segments) });
  }
  const data = substitution.value as Record<string, unknown>;
  const unusable = (path: string) => substitution.failed.has(path);

  // 2. Core schema.
  const coreErrors = validateWithCoercion(coreValidate(), data, substitution.substituted);
  let schemaProblems = describeAjvErrors(coreErrors, data);

  // 3. Connector blocks.
  const connectors = isPlainObject(data['connectors']) ? data['connectors'] : {};
  const idPattern = new RegExp(CONNECTOR_ID_PATTERN);
  if (opts.connectorSchemas) {
    const known = Object.keys(opts.connectorSchemas).sort();
    for (const [id, block] of Object.entries(connectors)) {
      if (!idPattern.test(id)) continue; // already reported by the core schema
      const schema = Object.hasOwn(opts.connectorSchemas, id)
        ? opts.connectorSchemas[id]
        : undefined;
      if (!schema) {
        schemaProblems.push({
          path: formatPath(['connectors', id]),
          message: unknownConnector(id, known),
          segments: ['connectors', id],
        });
        continue;
      }
      if (!isPlainObject(block)) continue; // already reported by the core schema
      const prefix = ['connectors', id];
      const errors = validateWithCoercion(
        connectorValidate(id, schema),
        block,
        substitution.substituted,
        toPointer(prefix),
      );
      schemaProblems.push(...describeAjvErrors(errors, block, prefix));
    }
  }
  // A value whose placeholder failed has already been reported; its schema error is noise.
  schemaProblems = schemaProblems.filter((p) => !unusable(p.path));
  for (const p of schemaProblems) {
    problems.push({ path: p.path, message: p.message, line: lineOf(doc, lineCounter, p.segments) });
  }

  // 4. Cross-checks, once the shape is right.
  if (problems.length === 0) {
    for (const p of crossCheck(data as unknown as BridgeConfig, opts.connectorSchemas)) {
      problems.push({ ...p, line: lineOf(doc, lineCounter, p.segments) });
    }
  }

  if (problems.length > 0) {
    throw ConfigError.invalid(
      problems
        .map((p, i) => ({ p, i }))
        .sort((a, b) => (a.p.line ?? Infinity) - (b.p.line ?? Infinity) || a.i - b.i)
        .map(({ p }) => stripSegments(p)),
      source,
    );
  }
  return complete(data as unknown as BridgeConfig, baseDir);
}

function stripSegments(p: ConfigProblem & { segments?: unknown }): ConfigProblem {
  const out: ConfigProblem = { path: p.path, message: p.message };
  if (p.line !== undefined) out.line = p.line;
  return out;
}

function unknownConnector(id: string, known: string[]): string {
  const close = suggest(id, known);
  const list = known.length > 0 ? known.join(', ') : 'none';
  return `unknown connector (known: ${list})${close ? ` — did you mean "${close}"?` : ''}`;
}

// ---------------------------------------------------------------------------------------
// YAML positions

interface YamlIssue {
  message: string;
  linePos?: [{ line: number; col: number }] | [{ line: number; col: number }, unknown];
}

function yamlPosition(issue: YamlIssue): string {
  const pos = issue.linePos?.[0];
  return pos ? `line ${pos.line}, column ${pos.col}: ` : '';
}

function yamlProblem(issue: YamlIssue): ConfigProblem {
  // With prettyErrors the message ends with " at line N, column M:" and a source excerpt.
  const first = issue.message.split('\n')[0] ?? issue.message;
  const text = first.replace(/ at line \d+, column \d+:?$/, '');
  const problem: ConfigProblem = { path: '', message: `${yamlPosition(issue)}${text}` };
  const line = issue.linePos?.[0]?.line;
  if (line !== undefined) problem.line = line;
  return problem;
}

/** Line of the closest node to `segments` that exists in the file (not for the root). */
function lineOf(
  doc: Document,
  lc: LineCounter,
  segments: readonly PathSegment[],
): number | undefined {
  for (let n = segments.length; n > 0; n--) {
    let node: unknown;
    try {
      node = doc.getIn(segments.slice(0, n), true);
    } catch {
      node = undefined;
    }
    if (isNode(node) && node.range) return lc.linePos(node.range[0]).line;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------
// ${env:NAME} and ${file:/path}

const PLACEHOLDER = /(\$?)\$\{(env|file):([^}]*)\}/g;
const WHOLE_PLACEHOLDER = /^\$\{(env|file):[^}]*\}$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

interface Substitution {
  value: unknown;
  problems: (ConfigProblem & { segments: PathSegment[] })[];
  /** JSON pointers of values that were exactly one placeholder (candidates for coercion). */
  substituted: Set<string>;
  /** Dotted paths whose placeholder could not be resolved. */
  failed: Set<string>;
}

/**
 * Replace placeholders in every string value (not keys) of `value`, returning a copy (so a
 * YAML anchor used twice does not share one object). `$${env:X}` stands for a literal
 * `${env:X}`.
 */
function substitute(
  root: unknown,
  rootSegments: PathSegment[],
  ctx: { env: NodeJS.ProcessEnv; baseDir: string },
): Substitution {
  const result: Substitution = {
    value: undefined,
    problems: [],
    substituted: new Set(),
    failed: new Set(),
  };
  const fail = (segments: PathSegment[], message: string) => {
    const path = formatPath(segments);
    result.failed.add(path);
    result.problems.push({ path, message, segments });
  };

  const resolveOne = (kind: string, arg: string, segments: PathSegment[]): string | undefined => {
    const name = arg.trim();
    if (kind === 'env') {
      if (!ENV_NAME.test(name)) {
        fail(segments, `\${env:${arg}}: "${arg}" is not a valid environment variable name`);
        return undefined;
      }
      const value = ctx.env[name];
      if (value === undefined || value === '') {
        fail(segments, `environment variable ${name} is not set (used as \${env:${name}})`);
        return undefined;
      }
      return value;
    }
    if (name === '') {
      fail(segments, '${file:…} needs a file path, e.g. ${file:/run/secrets/token}');
      return undefined;
    }
    const file = isAbsolute(name) ? name : resolve(ctx.baseDir, name);
    let content: string;
    try {
      content = readFileSync(file, 'utf8').trim();
    } catch (err) {
      fail(
        segments,
        `cannot read secret file ${file} (used as \${file:${name}}): ${fileErrorReason(err)}`,
      );
      return undefined;
    }
    if (content === '') {
      fail(segments, `secret file ${file} (used as \${file:${name}}) is empty`);
      return undefined;
    }
    return content;
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

function fileErrorReason(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return 'the file does not exist';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'it is a folder, not a file';
  return errorMessage(err);
}

// ---------------------------------------------------------------------------------------
// Cross-checks the schema cannot express

function crossCheck(
  config: BridgeConfig,
  connectorSchemas: Record<string, object> | undefined,
): (ConfigProblem & { segments: PathSegment[] })[] {
  const problems: (ConfigProblem & { segments: PathSegment[] })[] = [];
  const add = (segments: PathSegment[], message: string) =>
    problems.push({ path: formatPath(segments), message, segments });

  const { retry } = config.bridge;
  if (retry.max_delay_ms < retry.initial_delay_ms) {
    add(
      ['bridge', 'retry', 'max_delay_ms'],
      `must be ≥ bridge.retry.initial_delay_ms (${retry.initial_delay_ms})`,
    );
  }

  const admin = config.admin;
  if (admin && admin.console.enabled && !admin.provisioning.enabled) {
    add(
      ['admin', 'console', 'enabled'],
      'the console works through the provisioning API: set admin.provisioning.enabled to true or this to false',
    );
  }
  if (admin?.provisioning.enabled && !admin.provisioning.secret && !admin.provisioning.openid) {
    add(
      ['admin', 'provisioning', 'openid'],
      'with no admin.provisioning.secret and openid false nobody could sign in: set a secret, enable openid, or disable provisioning',
    );
  }

  const { bot_localpart, ghost_prefix } = config.appservice;
  if (bot_localpart.startsWith(ghost_prefix)) {
    add(
      ['appservice', 'bot_localpart'],
      `must not start with appservice.ghost_prefix ("${ghost_prefix}"): the bot would be taken for a ghost user`,
    );
  }

  const configured = Object.keys(config.connectors).sort();
  const known = connectorSchemas ? Object.keys(connectorSchemas).sort() : undefined;
  const rooms = new Map<string, number>();
  const channels = new Map<string, string>();
  config.portals.forEach((portal, p) => {
    const firstUse = rooms.get(portal.room);
    if (firstUse !== undefined) {
      add(['portals', p, 'room'], `room ${portal.room} is already listed at portals[${firstUse}]`);
    } else {
      rooms.set(portal.room, p);
    }

    portal.links.forEach((link, l) => {
      const at = ['portals', p, 'links', l];
      if (known && !known.includes(link.connector)) {
        add([...at, 'connector'], unknownConnector(link.connector, known));
        return;
      }
      const block = config.connectors[link.connector];
      if (!block) {
        const list = configured.length > 0 ? configured.join(', ') : 'none';
        add(
          [...at, 'connector'],
          `connector "${link.connector}" has no block under connectors (configured: ${list})`,
        );
        return;
      }
      // Connectors that define named workspaces do so under `workspaces`.
      const workspaces = block['workspaces'];
      if (isPlainObject(workspaces) && !Object.hasOwn(workspaces, link.workspace)) {
        const names = Object.keys(workspaces);
        const close = suggest(link.workspace, names);
        add(
          [...at, 'workspace'],
          `no workspace "${link.workspace}" under connectors.${link.connector}.workspaces ` +
            `(defined: ${names.length > 0 ? names.join(', ') : 'none'})` +
            (close ? ` — did you mean "${close}"?` : ''),
        );
      }
      const key = JSON.stringify([link.connector, link.workspace, link.channel]);
      const previous = channels.get(key);
      const here = formatPath(at);
      if (previous !== undefined) {
        add(
          at,
          `channel ${link.connector}/${link.workspace}/${link.channel} is already linked at ${previous}`,
        );
      } else {
        channels.set(key, here);
      }
    });
  });
  return problems;
}

// ---------------------------------------------------------------------------------------
// Completion

function withoutTrailingSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

function complete(config: BridgeConfig, baseDir: string): BridgeConfig {
  config.homeserver.url = withoutTrailingSlash(config.homeserver.url);
  config.appservice.url = withoutTrailingSlash(config.appservice.url);
  config.appservice.public_url = withoutTrailingSlash(
    (config.appservice.public_url as string | undefined) ?? config.appservice.url,
  );
  config.appservice.registration = resolve(baseDir, config.appservice.registration);
  config.database.data_dir = resolve(baseDir, config.database.data_dir);
  return config;
}

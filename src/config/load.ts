/**
 * Reading the configuration file: YAML → `${env:…}`/`${file:…}` substitution → schema
 * validation (core schema, then each connector's own schema) → cross-checks → defaults and
 * absolute paths. Every problem found is collected and reported in one ConfigError.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { LineCounter, parseDocument, type Document } from 'yaml';
import { errorMessage } from '../util/errors.js';
import { crossCheck, unknownConnector, type PlacedProblem } from './cross-check.js';
import { ConfigError, type ConfigProblem } from './errors.js';
import { formatPath, isPlainObject, toPointer } from './paths.js';
import { fileErrorReason, substitute, type Substitution } from './placeholders.js';
import { CONNECTOR_ID_PATTERN, type BridgeConfig } from './schema.js';
import {
  connectorValidate,
  coreValidate,
  describeAjvErrors,
  validateWithCoercion,
} from './validate.js';
import { lineOf, unresolvedTagProblems, yamlProblem } from './yaml-source.js';

export interface LoadConfigOptions {
  /**
   * Connector id → that connector's `configSchema`. When given, each `connectors.<id>` block
   * is validated against its schema and an id without a schema is an error. When absent,
   * connector blocks are only checked to be mappings.
   */
  connectorSchemas?: Record<string, object>;
  /** Where `${env:NAME}` values come from. Defaults to `process.env`. */
  env?: NodeJS.ProcessEnv;
  /**
   * Top-level keys to leave out, unread: a command that only calls the running bridge's API
   * must not demand the platforms' secrets (`connectors`) or check `portals`.
   */
  ignore?: readonly string[];
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

/** The file as YAML: its document (for line numbers) and its plain value, a mapping. */
interface ReadYaml {
  doc: Document;
  lineCounter: LineCounter;
  raw: Record<string, unknown>;
}

function readYaml(yamlText: string, source: string | undefined): ReadYaml {
  const lineCounter = new LineCounter();
  const doc = parseDocument(yamlText, { lineCounter, prettyErrors: true, merge: true });
  if (doc.errors.length > 0) {
    throw ConfigError.invalid(doc.errors.map(yamlProblem), source);
  }
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
  return { doc, lineCounter, raw };
}

/** Each `connectors.<id>` block against its connector's own schema. */
function connectorBlockProblems(
  data: Record<string, unknown>,
  connectorSchemas: Record<string, object>,
  substituted: Set<string>,
): PlacedProblem[] {
  const problems: PlacedProblem[] = [];
  const connectors = isPlainObject(data['connectors']) ? data['connectors'] : {};
  const idPattern = new RegExp(CONNECTOR_ID_PATTERN);
  const known = Object.keys(connectorSchemas).sort();
  for (const [id, block] of Object.entries(connectors)) {
    if (!idPattern.test(id)) continue; // already reported by the core schema
    const schema = Object.hasOwn(connectorSchemas, id) ? connectorSchemas[id] : undefined;
    if (!schema) {
      problems.push({
        path: formatPath(['connectors', id]),
        message: unknownConnector(id, known),
        segments: ['connectors', id],
      });
      continue;
    }
    if (!isPlainObject(block)) continue; // already reported by the core schema
    const prefix = ['connectors', id];
    const validate = connectorValidate(id, schema);
    const errors = validateWithCoercion(validate, block, substituted, toPointer(prefix));
    problems.push(...describeAjvErrors(errors, block, prefix));
  }
  return problems;
}

/** The core schema, then the connector blocks; a failed placeholder's schema error is noise. */
function schemaProblems(
  data: Record<string, unknown>,
  substitution: Substitution,
  connectorSchemas: Record<string, object> | undefined,
): PlacedProblem[] {
  const coreErrors = validateWithCoercion(coreValidate(), data, substitution.substituted);
  const problems = describeAjvErrors(coreErrors, data);
  if (connectorSchemas) {
    problems.push(...connectorBlockProblems(data, connectorSchemas, substitution.substituted));
  }
  return problems.filter((p) => !substitution.failed.has(p.path));
}

/** Validate configuration given as YAML text. Throws ConfigError. */
export function parseConfig(yamlText: string, opts: ParseConfigOptions = {}): BridgeConfig {
  const source = opts.source;
  const baseDir = opts.baseDir ?? process.cwd();
  const { doc, lineCounter, raw } = readYaml(yamlText, source);
  for (const key of opts.ignore ?? []) delete raw[key];
  const placed = (p: PlacedProblem): ConfigProblem => ({
    path: p.path,
    message: p.message,
    line: lineOf(doc, lineCounter, p.segments),
  });
  const problems: ConfigProblem[] = unresolvedTagProblems(doc);
  // 1. Placeholders, 2. the schemas.
  const substitution = substitute(raw, [], { env: opts.env ?? process.env, baseDir });
  problems.push(...substitution.problems.map(placed));
  const data = substitution.value as Record<string, unknown>;
  problems.push(...schemaProblems(data, substitution, opts.connectorSchemas).map(placed));
  // 3. Cross-checks, once the shape is right.
  if (problems.length === 0) {
    const config = data as unknown as BridgeConfig;
    problems.push(...crossCheck(config, opts.connectorSchemas).map(placed));
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

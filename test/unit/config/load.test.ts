import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BridgeError } from '../../../src/util/errors.js';
import {
  ConfigError,
  loadConfig,
  parseConfig,
  type ParseConfigOptions,
} from '../../../src/config/index.js';

const MINIMAL = `
homeserver:
  url: http://127.0.0.1:8008
  domain: localhost
appservice:
  port: 9000
  url: http://127.0.0.1:9000
`;

/** Minimal config with `extra` YAML appended (top-level keys). */
function withExtra(extra: string): string {
  return `${MINIMAL}${extra}\n`;
}

/** The ConfigError thrown by parsing `yaml`. */
function problemsOf(yaml: string, opts: ParseConfigOptions = {}): ConfigError {
  try {
    parseConfig(yaml, { env: {}, ...opts });
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected the configuration to be rejected');
}

function messagesOf(err: ConfigError): string[] {
  return err.problems.map((p) => (p.path ? `${p.path}: ${p.message}` : p.message));
}

const mattermostSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['workspaces'],
  properties: {
    workspaces: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        required: ['url', 'token'],
        properties: {
          url: { type: 'string' },
          token: { type: 'string' },
          identity: { type: 'string', enum: ['auto', 'override', 'attribution'], default: 'auto' },
        },
      },
    },
  },
};

describe('parseConfig: valid configuration', () => {
  it('fills in every default for a minimal config', () => {
    const config = parseConfig(MINIMAL, { env: {}, baseDir: '/srv/bridge' });
    expect(config).toEqual({
      homeserver: { url: 'http://127.0.0.1:8008', domain: 'localhost' },
      appservice: {
        id: 'platform-bridge',
        bind_address: '127.0.0.1',
        port: 9000,
        url: 'http://127.0.0.1:9000',
        public_url: 'http://127.0.0.1:9000',
        registration: '/srv/bridge/registration.yaml',
        bot_localpart: 'bridge',
        ghost_prefix: '_bridge_',
        ingress: {
          max_connections_per_client: 32,
          max_unread_bodies_per_client: 8,
          body_timeout_ms: 15_000,
          header_timeout_ms: 10_000,
          retry_after_s: 5,
          refusal_log_interval_s: 60,
        },
      },
      database: { data_dir: '/srv/bridge/data/pglite' },
      bridge: {
        max_file_size: 52_428_800,
        max_text_length: 40_000,
        retry: { max_attempts: 8, initial_delay_ms: 500, max_delay_ms: 60_000 },
        message_retention_days: 90,
        permanent_failure_notices: true,
        ghost_displayname_template: '{name} ({platform})',
        matrix_sender_name_template: '{name} ({platform})',
        connector_name_templates: {},
      },
      logging: { level: 'info' },
      portals: [],
      connectors: {},
    });
    expect(config.appservice.media_secret).toBeUndefined();
    expect(config.database.url).toBeUndefined();
  });

  it('keeps given values, fills the rest of a partly given block, strips trailing slashes', () => {
    const config = parseConfig(
      `
homeserver: { url: "https://matrix.example.org/", domain: example.org }
appservice:
  port: 29300
  url: http://bridge:29300/
  public_url: https://bridge.example.org/
  registration: /etc/bridge/registration.yaml
database: { url: "postgres://u:p@db/bridge" }
bridge: { retry: { max_attempts: 3 } }
logging: { level: debug }
`,
      { env: {}, baseDir: '/srv' },
    );
    expect(config.homeserver.url).toBe('https://matrix.example.org');
    expect(config.appservice.url).toBe('http://bridge:29300');
    expect(config.appservice.public_url).toBe('https://bridge.example.org');
    expect(config.appservice.registration).toBe('/etc/bridge/registration.yaml');
    expect(config.database).toEqual({
      url: 'postgres://u:p@db/bridge',
      data_dir: '/srv/data/pglite',
    });
    expect(config.bridge.retry).toEqual({
      max_attempts: 3,
      initial_delay_ms: 500,
      max_delay_ms: 60_000,
    });
    expect(config.bridge.max_file_size).toBe(52_428_800);
    expect(config.logging.level).toBe('debug');
  });

  it('accepts portals and validates connector blocks with their schema, applying its defaults', () => {
    const config = parseConfig(
      withExtra(`
portals:
  - room: "!abc:localhost"
    name: General
    links:
      - { connector: mattermost, workspace: main, channel: abc123 }
  - room: "#team:localhost"
    links:
      - { connector: mattermost, workspace: main, channel: def456 }
connectors:
  mattermost:
    workspaces:
      main: { url: "https://mm.example.org", token: secret }
`),
      { env: {}, connectorSchemas: { mattermost: mattermostSchema } },
    );
    expect(config.portals).toHaveLength(2);
    expect(config.portals[0]).toEqual({
      room: '!abc:localhost',
      name: 'General',
      links: [{ connector: 'mattermost', workspace: 'main', channel: 'abc123' }],
    });
    expect(config.connectors['mattermost']).toEqual({
      workspaces: { main: { url: 'https://mm.example.org', token: 'secret', identity: 'auto' } },
    });
  });

  it('does not validate connector blocks when no schemas are given', () => {
    const config = parseConfig(withExtra('connectors:\n  anything: { foo: 1 }'), { env: {} });
    expect(config.connectors).toEqual({ anything: { foo: 1 } });
  });

  it('treats an empty file as an empty mapping (reporting the required blocks)', () => {
    const err = problemsOf('');
    expect(messagesOf(err)).toEqual(['homeserver: is required', 'appservice: is required']);
  });
});

describe('parseConfig: errors name the key', () => {
  it('throws one CONFIG_INVALID error listing every problem and what to do', () => {
    const err = problemsOf(
      withExtra(
        'bridge: { max_file_size: 0, retry: { max_attempts: 0 } }\nlogging: { level: loud }',
      ),
      { source: '/etc/bridge/config.yaml' },
    );
    expect(err).toBeInstanceOf(BridgeError);
    expect(err.code).toBe('CONFIG_INVALID');
    expect(err.problems).toHaveLength(3);
    const lines = err.message.split('\n');
    expect(lines[0]).toContain('/etc/bridge/config.yaml');
    expect(lines.filter((l) => l.startsWith('  - '))).toHaveLength(3);
    expect(lines.at(-1)).toContain('fix the keys above in /etc/bridge/config.yaml');
  });

  it('missing required key', () => {
    const err = problemsOf('homeserver: { url: "http://hs" }\nappservice: { port: 9000 }');
    expect(messagesOf(err)).toEqual([
      'homeserver.domain: is required',
      'appservice.url: is required',
    ]);
  });

  it('wrong type', () => {
    const err = problemsOf(MINIMAL.replace('port: 9000', 'port: nine'));
    expect(err.problems).toEqual([
      expect.objectContaining({
        path: 'appservice.port',
        message: expect.stringContaining('must be an integer between 1 and 65535'),
      }),
    ]);
    const bool = problemsOf(withExtra('bridge: { permanent_failure_notices: "yes" }'));
    expect(messagesOf(bool)[0]).toMatch(
      /^bridge\.permanent_failure_notices: must be true or false/,
    );
    const block = problemsOf(withExtra('bridge: 5'));
    expect(messagesOf(block)[0]).toMatch(/^bridge: must be a mapping/);
  });

  it('a number where a string is wanted suggests quotes', () => {
    const err = problemsOf(
      withExtra(
        'portals:\n  - room: "!a:localhost"\n    links: [{ connector: mm, workspace: w, channel: 12345 }]\nconnectors: { mm: {} }',
      ),
    );
    expect(messagesOf(err)).toEqual([
      'portals[0].links[0].channel: must be a string (got an integer; put the value in quotes)',
    ]);
  });

  it('out of range', () => {
    const port = problemsOf(MINIMAL.replace('port: 9000', 'port: 70000'));
    expect(messagesOf(port)).toEqual(['appservice.port: must be an integer between 1 and 65535']);
    expect(port.message).toContain('appservice.port: must be an integer between 1 and 65535');
    const retry = problemsOf(withExtra('bridge:\n  retry:\n    max_attempts: 0'));
    expect(messagesOf(retry)).toEqual(['bridge.retry.max_attempts: must be ≥ 1']);
  });

  it('unknown key, with a suggestion when one is close', () => {
    const err = problemsOf(withExtra('database:\n  urll: postgres://x\nfoo: 1'));
    expect(messagesOf(err)).toContain('database.urll: unknown key (did you mean "url"?)');
    expect(messagesOf(err).find((m) => m.startsWith('foo:'))).toMatch(
      /^foo: unknown key \(allowed here: /,
    );
    const typo = problemsOf(MINIMAL.replace('port: 9000', 'port: 9000\n  bind-address: 0.0.0.0'));
    expect(messagesOf(typo)).toEqual([
      'appservice.bind-address: unknown key (did you mean "bind_address"?)',
    ]);
  });

  it('bad enum value', () => {
    const err = problemsOf(withExtra('logging: { level: verbose }'));
    expect(messagesOf(err)).toEqual([
      'logging.level: must be one of: trace, debug, info, warn, error, fatal, silent',
    ]);
    const close = problemsOf(withExtra('logging: { level: warning }'));
    expect(messagesOf(close)[0]).toContain('did you mean "warn"?');
  });

  it('bad pattern values use a readable hint', () => {
    const err = problemsOf(
      `homeserver: { url: "matrix.example.org", domain: "https://example.org" }
appservice: { port: 9000, url: "http://b:9000", bot_localpart: "Bridge Bot" }`,
    );
    expect(messagesOf(err)).toEqual([
      'homeserver.url: must be an http:// or https:// URL',
      'homeserver.domain: must be a server name such as example.org (no scheme, no @, no path)',
      'appservice.bot_localpart: must contain only lowercase letters, digits and . _ = / -',
    ]);
  });

  it('bad connector id, in links and as a connectors key', () => {
    const err = problemsOf(
      withExtra(`
portals:
  - room: "!a:localhost"
    links: [{ connector: Matter_Most, workspace: main, channel: c }]
connectors:
  Matter_Most: {}`),
    );
    expect(messagesOf(err)).toEqual([
      'portals[0].links[0].connector: must be a connector id: a lowercase letter, then lowercase letters, digits or -',
      'connectors.Matter_Most: is not a valid connector id: use a lowercase letter, then lowercase letters, digits or -',
    ]);
  });

  it('unknown connector when schemas are given', () => {
    const err = problemsOf(withExtra('connectors:\n  matermost: {}\n  teams: {}'), {
      connectorSchemas: { mattermost: {}, slack: {} },
    });
    expect(messagesOf(err)).toEqual([
      'connectors.matermost: unknown connector (known: mattermost, slack) — did you mean "mattermost"?',
      'connectors.teams: unknown connector (known: mattermost, slack)',
    ]);
  });

  it('connector block errors are prefixed with connectors.<id>', () => {
    const err = problemsOf(
      withExtra(
        'connectors:\n  mattermost:\n    workspaces:\n      main: { url: "https://x", tokne: y }',
      ),
      { connectorSchemas: { mattermost: mattermostSchema } },
    );
    expect(messagesOf(err)).toEqual([
      'connectors.mattermost.workspaces.main.token: is required',
      'connectors.mattermost.workspaces.main.tokne: unknown key (did you mean "token"?)',
    ]);
  });

  it('missing environment variable names the key and the variable', () => {
    const err = problemsOf(
      MINIMAL.replace('port: 9000', 'port: 9000\n  media_secret: ${env:BRIDGE_MEDIA_SECRET}'),
    );
    expect(err.problems).toHaveLength(1);
    expect(err.problems[0]?.path).toBe('appservice.media_secret');
    expect(err.problems[0]?.message).toContain('BRIDGE_MEDIA_SECRET');
    expect(err.problems[0]?.message).toContain('not set');
  });

  it('YAML syntax errors name line and column', () => {
    const err = problemsOf('homeserver:\n  url: [http://x\nappservice: {}\n');
    expect(err.code).toBe('CONFIG_INVALID');
    expect(err.problems[0]?.message).toMatch(/^line \d+, column \d+: /);
    const dup = problemsOf(`${MINIMAL}homeserver: {}\n`);
    expect(dup.problems[0]?.message).toMatch(/^line 8, column 1: Map keys must be unique/);
  });

  it('explains an unquoted room id that YAML reads as a tag', () => {
    const err = problemsOf(
      withExtra(
        'portals:\n  - room: !abc:localhost\n    links: [{ connector: mm, workspace: w, channel: c }]\nconnectors: { mm: {} }',
      ),
    );
    expect(err.message).toContain('put the value in quotes ("!abc:localhost")');
  });

  it('a non-mapping document is refused', () => {
    expect(messagesOf(problemsOf('- a\n- b'))[0]).toContain('must be a YAML mapping');
  });

  it('problems are listed in file order with line numbers', () => {
    const err = problemsOf(`homeserver:
  url: http://hs
  domain: localhost
appservice:
  port: 0
  url: http://b
logging:
  level: nope
`);
    expect(err.problems.map((p) => [p.path, p.line])).toEqual([
      ['appservice.port', 5],
      ['logging.level', 8],
    ]);
    expect(err.message).toContain(
      'appservice.port: must be an integer between 1 and 65535 (line 5)',
    );
  });
});

describe('parseConfig: cross-checks', () => {
  const connectors = 'connectors:\n  mattermost:\n    workspaces:\n      main: {}\n';

  it('a link to an unconfigured connector or undefined workspace', () => {
    const err = problemsOf(
      withExtra(`portals:
  - room: "!a:localhost"
    links:
      - { connector: slack, workspace: main, channel: c }
      - { connector: mattermost, workspace: mian, channel: c }
${connectors}`),
    );
    expect(messagesOf(err)).toEqual([
      'portals[0].links[0].connector: connector "slack" has no block under connectors (configured: mattermost)',
      'portals[0].links[1].workspace: no workspace "mian" under connectors.mattermost.workspaces (defined: main) — did you mean "main"?',
    ]);
  });

  it('a link to a connector without a schema when schemas are given', () => {
    const err = problemsOf(
      withExtra(`portals:
  - room: "!a:localhost"
    links: [{ connector: slack, workspace: main, channel: c }]
${connectors}`),
      { connectorSchemas: { mattermost: {} } },
    );
    expect(messagesOf(err)).toEqual([
      'portals[0].links[0].connector: unknown connector (known: mattermost)',
    ]);
  });

  it('the same channel or room twice', () => {
    const err = problemsOf(
      withExtra(`portals:
  - room: "!a:localhost"
    links: [{ connector: mattermost, workspace: main, channel: c }]
  - room: "!a:localhost"
    links: [{ connector: mattermost, workspace: main, channel: c }]
${connectors}`),
    );
    expect(messagesOf(err)).toEqual([
      'portals[1].room: room !a:localhost is already listed at portals[0]',
      'portals[1].links[0]: channel mattermost/main/c is already linked at portals[0].links[0]',
    ]);
  });

  it('retry delays and the bot inside the ghost namespace', () => {
    const err = problemsOf(
      MINIMAL.replace('port: 9000', 'port: 9000\n  bot_localpart: _bridge_bot') +
        'bridge: { retry: { initial_delay_ms: 5000, max_delay_ms: 1000 } }\n',
    );
    expect(messagesOf(err)).toEqual([
      'appservice.bot_localpart: must not start with appservice.ghost_prefix ("_bridge_"): the bot would be taken for a ghost user',
      'bridge.retry.max_delay_ms: must be ≥ bridge.retry.initial_delay_ms (5000)',
    ]);
  });
});

describe('secrets: ${env:…} and ${file:…}', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'bridge-config-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('substitutes environment variables anywhere in a string', () => {
    const config = parseConfig(
      MINIMAL.replace('port: 9000', 'port: 9000\n  media_secret: ${env:SECRET}') +
        'database:\n  url: postgres://bridge:${env:DB_PW}@db:5432/bridge\n',
      { env: { SECRET: 'a-very-long-media-secret', DB_PW: 'pw' } },
    );
    expect(config.appservice.media_secret).toBe('a-very-long-media-secret');
    expect(config.database.url).toBe('postgres://bridge:pw@db:5432/bridge');
  });

  it('substitutes inside connector blocks and lists', () => {
    const config = parseConfig(
      withExtra(
        'connectors:\n  mattermost:\n    workspaces:\n      main: { url: "https://x", token: "${env:MM_TOKEN}" }',
      ),
      { env: { MM_TOKEN: 'tok' }, connectorSchemas: { mattermost: mattermostSchema } },
    );
    expect(config.connectors['mattermost']).toMatchObject({
      workspaces: { main: { token: 'tok' } },
    });
  });

  it('converts a whole-value placeholder to the number or boolean the schema wants', () => {
    const config = parseConfig(
      MINIMAL.replace('port: 9000', 'port: ${env:PORT}') +
        'bridge: { permanent_failure_notices: "${env:NOTICES}" }\n',
      { env: { PORT: '29300', NOTICES: 'false' } },
    );
    expect(config.appservice.port).toBe(29300);
    expect(config.bridge.permanent_failure_notices).toBe(false);
    const err = problemsOf(MINIMAL.replace('port: 9000', 'port: ${env:PORT}'), {
      env: { PORT: 'http' },
    });
    expect(messagesOf(err)[0]).toMatch(/^appservice\.port: must be an integer between 1 and 65535/);
  });

  it('$${env:X} is a literal', () => {
    const config = parseConfig(
      withExtra(
        'portals:\n  - room: "#a:localhost"\n    name: "cost $${env:X}"\n    links: [{ connector: mm, workspace: w, channel: c }]\nconnectors: { mm: {} }',
      ),
      {
        env: {},
      },
    );
    expect(config.portals[0]?.name).toBe('cost ${env:X}');
  });

  it('reads and trims secret files, relative to the config folder', () => {
    writeFileSync(join(dir, 'media.secret'), '  0123456789abcdef0123\n');
    const absolute = parseConfig(
      MINIMAL.replace(
        'port: 9000',
        `port: 9000\n  media_secret: \${file:${join(dir, 'media.secret')}}`,
      ),
      { env: {} },
    );
    expect(absolute.appservice.media_secret).toBe('0123456789abcdef0123');
    const relative = parseConfig(
      MINIMAL.replace('port: 9000', 'port: 9000\n  media_secret: ${file:./media.secret}'),
      { env: {}, baseDir: dir },
    );
    expect(relative.appservice.media_secret).toBe('0123456789abcdef0123');
  });

  it('a missing or empty secret file names the key and the file', () => {
    writeFileSync(join(dir, 'empty'), '\n');
    const err = problemsOf(
      MINIMAL.replace(
        'port: 9000',
        'port: 9000\n  media_secret: ${file:./missing}\n  id: ${file:./empty}',
      ),
      { baseDir: dir },
    );
    expect(err.problems.map((p) => p.path)).toEqual(['appservice.media_secret', 'appservice.id']);
    expect(err.problems[0]?.message).toContain(join(dir, 'missing'));
    expect(err.problems[0]?.message).toContain('does not exist');
    expect(err.problems[1]?.message).toContain('is empty');
  });

  it('loadConfig resolves paths against the config file folder', () => {
    writeFileSync(join(dir, 'token'), 'file-token\n');
    const file = join(dir, 'config.yaml');
    writeFileSync(
      file,
      withExtra(
        'connectors:\n  mattermost:\n    workspaces:\n      main: { url: "https://x", token: "${file:token}" }',
      ),
    );
    const config = loadConfig(file, {
      env: {},
      connectorSchemas: { mattermost: mattermostSchema },
    });
    expect(config.appservice.registration).toBe(join(dir, 'registration.yaml'));
    expect(config.database.data_dir).toBe(join(dir, 'data', 'pglite'));
    expect(config.connectors['mattermost']).toMatchObject({
      workspaces: { main: { token: 'file-token' } },
    });
  });

  it('loadConfig errors name the file', () => {
    const missing = join(dir, 'nope.yaml');
    expect(() => loadConfig(missing)).toThrowError(
      expect.objectContaining({ code: 'CONFIG_INVALID' }),
    );
    expect(() => loadConfig(missing)).toThrowError(/does not exist/);
    const file = join(dir, 'config.yaml');
    writeFileSync(file, MINIMAL.replace('port: 9000', 'port: 0'));
    expect(() => loadConfig(file, { env: {} })).toThrowError(`fix the keys above in ${file}`);
  });
});

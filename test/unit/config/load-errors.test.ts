/** parseConfig: every error names the key at fault. */
import { describe, expect, it } from 'vitest';
import { BridgeError } from '../../../src/util/errors.js';
import { MINIMAL, mattermostSchema, messagesOf, problemsOf, withExtra } from './config-fixtures.js';

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

/** ${env:…} and ${file:…} placeholders. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig, parseConfig } from '../../../src/config/index.js';
import { MINIMAL, mattermostSchema, messagesOf, problemsOf, withExtra } from './config-fixtures.js';

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

import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ConfigError,
  generateRegistration,
  parseConfig,
  readRegistration,
  verifyRegistration,
  writeRegistration,
  type BridgeConfig,
} from '../../../src/config/index.js';

function config(domain = 'localhost', extra = ''): BridgeConfig {
  return parseConfig(
    `homeserver: { url: "http://127.0.0.1:8008", domain: "${domain}" }
appservice:
  port: 9000
  url: http://127.0.0.1:9000
${extra}`,
    { env: {}, baseDir: '/srv/bridge' },
  );
}

function thrown(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('generateRegistration', () => {
  it('fills in the fields from the config with fresh, distinct 64-hex tokens', () => {
    const reg = generateRegistration(config(), ['mattermost']);
    expect(reg).toMatchObject({
      id: 'platform-bridge',
      url: 'http://127.0.0.1:9000',
      sender_localpart: 'bridge',
      rate_limited: false,
    });
    expect(reg.as_token).toMatch(/^[0-9a-f]{64}$/);
    expect(reg.hs_token).toMatch(/^[0-9a-f]{64}$/);
    expect(reg.as_token).not.toBe(reg.hs_token);
    const again = generateRegistration(config(), ['mattermost']);
    expect(again.as_token).not.toBe(reg.as_token);
    expect(again.hs_token).not.toBe(reg.hs_token);
  });

  it('claims the ghost users and aliases exclusively with one regex for all connectors', () => {
    const reg = generateRegistration(config(), ['mattermost', 'slack']);
    expect(reg.namespaces.rooms).toEqual([]);
    expect(reg.namespaces.users).toHaveLength(1);
    expect(reg.namespaces.aliases).toHaveLength(1);
    expect(reg.namespaces.users[0]?.exclusive).toBe(true);
    expect(reg.namespaces.aliases[0]?.exclusive).toBe(true);
    const users = new RegExp(reg.namespaces.users[0]?.regex ?? '');
    expect(users.test('@_bridge_mattermost_main_abc:localhost')).toBe(true);
    expect(users.test('@_bridge_slack_t123_u456:localhost')).toBe(true);
    expect(users.test('@alice:localhost')).toBe(false);
    expect(users.test('@bridge:localhost')).toBe(false);
    expect(users.test('@_bridge_mattermost_main_abc:otherhost')).toBe(false);
    const aliases = new RegExp(reg.namespaces.aliases[0]?.regex ?? '');
    expect(aliases.test('#_bridge_mattermost_main_town-square:localhost')).toBe(true);
    expect(aliases.test('#general:localhost')).toBe(false);
  });

  it('escapes the dots of the domain (and other special characters)', () => {
    const reg = generateRegistration(config('matrix.example.org', '  ghost_prefix: x.y_'), [
      'mattermost',
    ]);
    const regex = reg.namespaces.users[0]?.regex ?? '';
    expect(regex).toContain('matrix\\.example\\.org');
    expect(regex).toContain('@x\\.y_');
    const users = new RegExp(regex);
    expect(users.test('@x.y_mattermost_a_b:matrix.example.org')).toBe(true);
    expect(users.test('@x.y_mattermost_a_b:matrixXexampleYorg')).toBe(false);
    expect(users.test('@xzy_mattermost_a_b:matrix.example.org')).toBe(false);
  });

  it('refuses invalid connector ids', () => {
    expect(() => generateRegistration(config(), ['Bad_Id'])).toThrowError(/Bad_Id/);
  });
});

describe('writeRegistration / readRegistration', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'bridge-registration-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes YAML with mode 0600 that reads back', () => {
    const file = join(dir, 'registration.yaml');
    const reg = generateRegistration(config(), ['mattermost']);
    writeRegistration(file, reg, { connectorIds: ['mattermost'] });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('app_service_config_files');
    expect(parse(text)).toEqual(reg);
    expect(readRegistration(file)).toEqual({
      id: reg.id,
      url: reg.url,
      as_token: reg.as_token,
      hs_token: reg.hs_token,
      sender_localpart: reg.sender_localpart,
      namespaces: reg.namespaces,
    });
  });

  it('refuses to overwrite an existing file unless forced', () => {
    const file = join(dir, 'registration.yaml');
    const first = generateRegistration(config(), ['mattermost']);
    writeRegistration(file, first);
    const second = generateRegistration(config(), ['mattermost']);
    const err = thrown(() => writeRegistration(file, second));
    expect(err.code).toBe('REGISTRATION_EXISTS');
    expect(err.message).toContain('--force');
    expect(readRegistration(file).as_token).toBe(first.as_token);

    writeFileSync(file, readFileSync(file), { mode: 0o644 });
    writeRegistration(file, second, { force: true });
    expect(readRegistration(file).as_token).toBe(second.as_token);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('a missing file says how to create it and where to declare it', () => {
    const file = join(dir, 'registration.yaml');
    const err = thrown(() => readRegistration(file, { configPath: 'config.yaml' }));
    expect(err.code).toBe('REGISTRATION_INVALID');
    expect(err.message).toContain(file);
    expect(err.message).toContain('does not exist');
    expect(err.message).toContain(
      `matrix-platform-bridge generate-registration -c config.yaml -o ${file}`,
    );
    expect(err.message).toContain('app_service_config_files');
  });

  it('a malformed file lists what is wrong', () => {
    const file = join(dir, 'registration.yaml');
    writeFileSync(file, 'id: x\nurl: http://b\nas_token: 5\nsender_localpart: bot\n');
    const err = thrown(() => readRegistration(file));
    expect(err.code).toBe('REGISTRATION_INVALID');
    expect(err.problems.map((p) => `${p.path}: ${p.message}`)).toEqual([
      'hs_token: is required',
      'namespaces: is required',
      'as_token: must be a string (got an integer; put the value in quotes)',
    ]);
    expect(err.message).toContain('is malformed');

    writeFileSync(file, 'id: [x\n');
    const syntax = thrown(() => readRegistration(file));
    expect(syntax.code).toBe('REGISTRATION_INVALID');
    expect(syntax.problems[0]?.message).toMatch(/^line \d+, column \d+: /);

    writeFileSync(file, 'just text\n');
    expect(thrown(() => readRegistration(file)).message).toContain('must be a YAML mapping');
  });

  it('accepts registrations written by others (extra keys, null url, missing namespace lists)', () => {
    const file = join(dir, 'registration.yaml');
    writeFileSync(
      file,
      'id: b\nurl: null\nas_token: a\nhs_token: h\nsender_localpart: bot\n' +
        'namespaces:\n  users:\n    - regex: "@_bridge_.*"\n      exclusive: true\n' +
        'de.sorunome.msc2409.push_ephemeral: true\n',
    );
    expect(readRegistration(file)).toEqual({
      id: 'b',
      url: null,
      as_token: 'a',
      hs_token: 'h',
      sender_localpart: 'bot',
      namespaces: { users: [{ regex: '@_bridge_.*', exclusive: true }], aliases: [], rooms: [] },
    });
  });
});

describe('verifyRegistration', () => {
  it('passes for a registration generated from the same config', () => {
    const c = config();
    expect(() => verifyRegistration(c, generateRegistration(c, ['mattermost']))).not.toThrow();
  });

  it('reports a different bot or a namespace that misses the ghosts', () => {
    const reg = generateRegistration(config(), ['mattermost']);
    const changed = config('localhost', '  bot_localpart: bot\n  ghost_prefix: _mm_');
    const err = thrown(() => verifyRegistration(changed, reg));
    expect(err.code).toBe('REGISTRATION_MISMATCH');
    expect(err.problems.map((p) => p.path)).toEqual(['sender_localpart', 'namespaces.users']);
    expect(err.message).toContain('--force');
  });
});

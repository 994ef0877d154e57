/**
 * Start-up refuses a registration file that says something else than the config, names each
 * difference, and never prints a token. One table of many ways a file and a config drift apart.
 */
import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  generateRegistration,
  parseConfig,
  verifyRegistration,
  type BridgeConfig,
  type Registration,
} from '../../../src/config/index.js';

function config(appservice = '', domain = 'agency.example'): BridgeConfig {
  return parseConfig(
    `homeserver: { url: "http://127.0.0.1:8008", domain: "${domain}" }
appservice:
  port: 9000
  url: http://127.0.0.1:9000
${appservice}`,
    { env: {}, baseDir: '/srv/bridge' },
  );
}

/** A registration made for the default config, then changed by `edit`. */
function registration(edit: (r: Registration) => void = () => undefined): Registration {
  const reg = generateRegistration(config(), ['mattermost']);
  edit(reg);
  return reg;
}

function mismatch(c: BridgeConfig, reg: Registration): ConfigError {
  try {
    verifyRegistration(c, reg, { configPath: '/srv/bridge/config.yaml' });
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected the registration to be refused');
}

interface Case {
  name: string;
  config?: BridgeConfig;
  edit?: (r: Registration) => void;
  /** The registration key each problem names, in order. */
  paths: string[];
  /** What the message must say about the difference. */
  says: RegExp;
}

const CASES: Case[] = [
  {
    name: 'bot_localpart changed after registering',
    config: config('  bot_localpart: relay'),
    paths: ['sender_localpart'],
    says: /sender_localpart: is "bridge" but appservice.bot_localpart .* is "relay"/,
  },
  {
    name: 'sender_localpart edited in the file',
    edit: (r) => (r.sender_localpart = 'bot'),
    paths: ['sender_localpart'],
    says: /is "bot" but appservice\.bot_localpart/,
  },
  {
    name: 'sender_localpart differing only in case',
    edit: (r) => (r.sender_localpart = 'Bridge'),
    paths: ['sender_localpart'],
    says: /"Bridge"/,
  },
  {
    name: 'ghost_prefix changed after registering',
    config: config('  ghost_prefix: _mm_'),
    paths: ['namespaces.users'],
    says: /no exclusive regex matching ghost users such as @_mm_connector_workspace_user:agency\.example/,
  },
  {
    name: 'homeserver.domain changed after registering',
    config: config('', 'other.example'),
    paths: ['namespaces.users'],
    says: /ghost_prefix or homeserver\.domain changed/,
  },
  {
    name: 'the ghost namespace is not exclusive',
    edit: (r) => (r.namespaces.users[0]!.exclusive = false),
    paths: ['namespaces.users'],
    says: /not exclusively/,
  },
  {
    name: 'no users namespace at all',
    edit: (r) => (r.namespaces.users = []),
    paths: ['namespaces.users'],
    says: /no exclusive regex/,
  },
  {
    name: "another bridge's namespace",
    edit: (r) => (r.namespaces.users = [{ exclusive: true, regex: '@slack_.*:agency\\.example' }]),
    paths: ['namespaces.users'],
    says: /no exclusive regex/,
  },
  {
    name: 'a namespace regex that does not compile',
    edit: (r) => (r.namespaces.users = [{ exclusive: true, regex: '@_bridge_(.*:agency' }]),
    paths: ['namespaces.users'],
    says: /no exclusive regex/,
  },
  {
    name: 'a namespace covering only the bot, not the ghosts',
    edit: (r) => (r.namespaces.users = [{ exclusive: true, regex: '@bridge:agency\\.example' }]),
    paths: ['namespaces.users'],
    says: /the bot is @bridge:agency\.example/,
  },
  {
    name: 'appservice.id changed after registering',
    config: config('  id: chat-bridge'),
    paths: ['id'],
    says: /id: is "platform-bridge" but appservice\.id .* is "chat-bridge"/,
  },
  {
    name: 'appservice.url moved to another port',
    config: { ...config(), appservice: { ...config().appservice, url: 'http://127.0.0.1:9001' } },
    paths: ['url'],
    says: /url: is "http:\/\/127\.0\.0\.1:9000" but appservice\.url .* "http:\/\/127\.0\.0\.1:9001"/,
  },
  {
    name: 'a registration that tells the homeserver to push nowhere',
    edit: (r) => ((r as { url: string | null }).url = null),
    paths: ['url'],
    says: /url: is empty, so the homeserver sends the bridge nothing/,
  },
  {
    name: 'as_token and hs_token equal',
    edit: (r) => (r.hs_token = r.as_token),
    paths: ['hs_token'],
    says: /hs_token: is the same as as_token/,
  },
  {
    name: 'several differences at once, each listed',
    config: config('  bot_localpart: relay\n  ghost_prefix: _mm_\n  id: chat-bridge'),
    paths: ['id', 'sender_localpart', 'namespaces.users'],
    says: /\(3 problems\)/,
  },
];

describe('registration vs config at start-up', () => {
  it('accepts the registration generated from the same config, trailing slash or not', () => {
    expect(() => verifyRegistration(config(), registration())).not.toThrow();
    const slashed = registration((r) => (r.url = `${r.url}/`));
    expect(() => verifyRegistration(config(), slashed)).not.toThrow();
  });

  it.each(CASES)('refuses $name, naming what differs', (c) => {
    const reg = registration(c.edit);
    const err = mismatch(c.config ?? config(), reg);
    expect(err.code).toBe('REGISTRATION_MISMATCH');
    expect(err.problems.map((p) => p.path)).toEqual(c.paths);
    expect(err.message).toMatch(c.says);
    // Which file, which config key, and what to do.
    expect(err.message).toContain('/srv/bridge/registration.yaml (appservice.registration)');
    expect(err.message).toContain(
      'generate-registration -c /srv/bridge/config.yaml -o /srv/bridge/registration.yaml --force',
    );
    expect(err.message).toContain('restart the homeserver');
    // Never a token, whatever differs.
    expect(err.message).not.toContain(reg.as_token);
    expect(err.message).not.toContain(reg.hs_token);
  });
});

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { adminSettings, ConfigError, parseConfig } from '../../../src/config/index.js';

const MINIMAL = `
homeserver: { url: "http://127.0.0.1:8008", domain: localhost }
appservice: { port: 9000, url: "http://127.0.0.1:9000" }
`;
const SAMPLE = fileURLToPath(new URL('../../../config/config.sample.yaml', import.meta.url));

function problems(yaml: string): string[] {
  try {
    parseConfig(`${MINIMAL}${yaml}`, { env: {} });
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems.map((p) => `${p.path}: ${p.message}`);
  }
  throw new Error('the configuration was accepted');
}

describe('permissions and admin configuration', () => {
  it('fills every admin default when the block is absent or partial', () => {
    const config = parseConfig(MINIMAL, { env: {} });
    expect(config.admin).toBeUndefined();
    expect(adminSettings(config)).toEqual({
      provisioning: {
        enabled: true,
        openid: true,
        rate_limit_per_minute: 120,
        session_minutes: 60,
      },
      console: { enabled: true },
      commands: { enabled: true },
      metrics: { enabled: true },
      audit_retention_days: 365,
      erasure: { redact_messages: false },
      removed_config_links: 'unlink',
      private_channels_allowed: [],
    });
    const partial = parseConfig(`${MINIMAL}admin: { metrics: { enabled: false } }`, { env: {} });
    expect(partial.admin?.metrics.enabled).toBe(false);
    expect(partial.admin?.provisioning.rate_limit_per_minute).toBe(120);
  });

  it('names the key of every mistake', () => {
    expect(
      problems(
        `permissions: { "@alice:example.org": boss, "not a domain!": user, "*": admin }`,
      ).sort(),
    ).toEqual([
      'permissions["@alice:example.org"]: must be one of: none, user, linker, admin',
      'permissions["not a domain!"]: must be a Matrix user id ("@alice:example.org"), a homeserver domain ("example.org") or "*"',
    ]);
    expect(
      problems(`admin:
  provisioning: { secret: short, rate_limit_per_minute: 0, openid_url: "ftp://x" }
  removed_config_links: delete
  consol: {}`),
    ).toEqual([
      'admin.provisioning.secret: must be at least 32 characters long',
      'admin.provisioning.openid_url: must be an http:// or https:// URL',
      'admin.provisioning.rate_limit_per_minute: must be ≥ 1',
      'admin.removed_config_links: must be one of: unlink, keep',
      'admin.consol: unknown key (did you mean "console"?)',
    ]);
  });

  it('refuses settings that cannot work together', () => {
    expect(problems(`admin: { provisioning: { enabled: false } }`)).toEqual([
      'admin.console.enabled: the console works through the provisioning API: set admin.provisioning.enabled to true or this to false',
    ]);
    expect(problems(`admin: { provisioning: { openid: false } }`)).toEqual([
      'admin.provisioning.openid: with no admin.provisioning.secret and openid false nobody could sign in: set a secret, enable openid, or disable provisioning',
    ]);
  });

  it('has a sample whose commented permissions and admin blocks are valid', () => {
    const lines = readFileSync(SAMPLE, 'utf8').split('\n');
    const start = lines.findIndex((l) => l.startsWith('# permissions:'));
    const end = lines.findIndex((l, i) => i > start && l.startsWith('# One block per connector'));
    expect(start).toBeGreaterThan(0);
    const block = lines
      .slice(start, end)
      .filter((l) => /^# {0,5}[a-z'@]/.test(l) && !/^# [A-Z(]/.test(l))
      .map((l) => l.slice(2))
      .join('\n');
    const config = parseConfig(`${MINIMAL}${block}\n`, {
      env: { BRIDGE_PROVISIONING_SECRET: 'x'.repeat(40) },
    });
    expect(config.permissions).toEqual({
      '@ops-lead:agency.example': 'admin',
      'agency.example': 'linker',
      'example.org': 'user',
    });
    expect(adminSettings(config)).toMatchObject({
      provisioning: { secret: 'x'.repeat(40), openid_url: 'http://127.0.0.1:8008' },
      console: { homeserver_url: 'https://matrix.agency.example' },
      removed_config_links: 'unlink',
    });
  });
});

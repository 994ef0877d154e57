import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadConfig, parseConfig } from '../../../src/config/index.js';

const SAMPLE = fileURLToPath(new URL('../../../config/config.sample.yaml', import.meta.url));
const DOCS = fileURLToPath(new URL('../../../docs/configuration.md', import.meta.url));

/** Accepts any mapping: stands in for the Mattermost connector's own schema. */
const permissive = { type: 'object' };

describe('config/config.sample.yaml', () => {
  it('validates against the core schema', () => {
    const config = loadConfig(SAMPLE, {
      env: { MATTERMOST_TOKEN: 'token' },
      connectorSchemas: { mattermost: permissive },
    });
    expect(config.homeserver.domain).toBe('localhost');
    expect(config.portals[0]?.links[0]).toMatchObject({
      connector: 'mattermost',
      workspace: 'agency-a',
    });
    expect(config.connectors['mattermost']).toMatchObject({
      workspaces: { 'agency-a': { token: 'token' } },
    });
  });

  it('states the defaults the schema applies', () => {
    // Every value written in the sample is the default, so dropping the optional keys
    // gives the same configuration.
    const full = loadConfig(SAMPLE, { env: { MATTERMOST_TOKEN: 't' } });
    const minimal = parseConfig(
      `homeserver: { url: "http://127.0.0.1:8008", domain: localhost }
appservice: { port: 9000, url: "http://127.0.0.1:9000" }`,
      { baseDir: full.appservice.registration.replace(/\/registration\.yaml$/, '') },
    );
    expect({ ...full, portals: [], connectors: {} }).toEqual(minimal);
  });

  it('comments every key', () => {
    const lines = readFileSync(SAMPLE, 'utf8').split('\n');
    lines.forEach((line, i) => {
      const key = /^\s*(?:- )?([a-z_]+):/.exec(line)?.[1];
      if (!key || ['connector', 'workspace', 'channel'].includes(key)) return;
      const previous = lines[i - 1] ?? '';
      expect(previous.trim().startsWith('#'), `key "${key}" on line ${i + 1} needs a comment`).toBe(
        true,
      );
    });
  });

  it('every core key appears in docs/configuration.md', () => {
    const docs = readFileSync(DOCS, 'utf8');
    const config = loadConfig(SAMPLE, { env: { MATTERMOST_TOKEN: 't' } });
    const keys: string[] = [];
    for (const [section, block] of Object.entries(config)) {
      if (section === 'connectors' || section === 'portals') continue;
      for (const [key, value] of Object.entries(block as Record<string, unknown>)) {
        if (value && typeof value === 'object') {
          for (const sub of Object.keys(value)) keys.push(`${section}.${key}.${sub}`);
        } else keys.push(`${section}.${key}`);
      }
    }
    keys.push('appservice.media_secret', 'database.url');
    for (const key of keys) expect(docs, key).toContain(`\`${key}\``);
  });
});

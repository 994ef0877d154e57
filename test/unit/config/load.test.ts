/** parseConfig: a valid file is read and completed. */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/index.js';
import { MINIMAL, mattermostSchema, messagesOf, problemsOf, withExtra } from './config-fixtures.js';

describe('parseConfig: valid configuration', () => {
  it('fills in every default for a minimal config', () => {
    const config = parseConfig(MINIMAL, { env: {}, baseDir: '/srv/bridge' });
    expect(config).toEqual({
      homeserver: { url: 'http://127.0.0.1:8008', domain: 'localhost', startup_wait_s: 120 },
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
      logging: { level: 'info', format: 'auto' },
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

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { BridgeConfig, PortalLinkConfig } from '../../src/config/index.js';
import {
  DEFAULT_GHOST_DISPLAYNAME_TEMPLATE,
  DEFAULT_MATRIX_SENDER_NAME_TEMPLATE,
} from '../../src/config/schema.js';
import { registrationFor, type AppserviceSlot } from './synapse.js';

/** Writes the slot's registration where the bridge reads it; returns the path. */
export function writeSlotRegistration(
  slot: AppserviceSlot,
  serverName: string,
  dir: string,
): string {
  const path = join(dir, 'registration.yaml');
  writeFileSync(path, stringify(registrationFor(slot, serverName)), { mode: 0o600 });
  return path;
}

export interface LocalBridgeOptions {
  slot: AppserviceSlot;
  synapseUrl: string;
  serverName: string;
  registrationPath: string;
  /** PGlite folder, or `memory://`. */
  dataDir: string;
  databaseUrl?: string;
  roomId: string;
  /** The portal's links (all to `roomId`). */
  links: PortalLinkConfig[];
  /** Connector id → its config block. */
  connectors: Record<string, Record<string, unknown>>;
}

/** A Mattermost connector block with one workspace called `main`. */
export function mattermostBlock(url: string, token: string): Record<string, unknown> {
  return { workspaces: { main: { url, token, identity: 'auto' } } };
}

/** The config of a bridge on a harness slot with one portal (tests and demo). */
export function localBridgeConfig(o: LocalBridgeOptions): BridgeConfig {
  return {
    homeserver: { url: o.synapseUrl, domain: o.serverName },
    appservice: {
      id: o.slot.id,
      bind_address: '127.0.0.1',
      port: Number(new URL(o.slot.url).port),
      url: o.slot.url,
      public_url: o.slot.url,
      registration: o.registrationPath,
      bot_localpart: o.slot.senderLocalpart,
      ghost_prefix: o.slot.userPrefix,
    },
    database: { url: o.databaseUrl, data_dir: o.dataDir },
    bridge: {
      max_file_size: 10 * 1024 * 1024,
      max_text_length: 40000,
      retry: { max_attempts: 5, initial_delay_ms: 200, max_delay_ms: 2000 },
      message_retention_days: 90,
      permanent_failure_notices: true,
      ghost_displayname_template: DEFAULT_GHOST_DISPLAYNAME_TEMPLATE,
      matrix_sender_name_template: DEFAULT_MATRIX_SENDER_NAME_TEMPLATE,
      connector_name_templates: {},
    },
    logging: { level: 'warn', format: 'json' },
    portals: [{ room: o.roomId, links: o.links }],
    connectors: o.connectors,
  };
}

/** Writes `config` as the YAML file `start -c` reads (owner-only: it holds tokens); returns its path. */
export function writeBridgeConfigFile(config: BridgeConfig, dir: string): string {
  const path = join(dir, 'config.yaml');
  const { database, ...rest } = config;
  writeFileSync(
    path,
    stringify({
      ...rest,
      database: database.url ? { url: database.url } : { data_dir: database.data_dir },
    }),
    { mode: 0o600 },
  );
  return path;
}

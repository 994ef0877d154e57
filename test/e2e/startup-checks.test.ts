/**
 * Start-up checks against a real Synapse: a registration the homeserver never loaded, a
 * homeserver that does not answer, a registration that no longer fits the config and a port
 * in use each stop `start` with their own code, naming the key and what to do; a good setup
 * starts and logs its version.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { definition as mattermost } from '../../connectors/mattermost/index.js';
import { BridgeApp } from '../../src/app/bridge-app.js';
import {
  generateRegistration,
  writeRegistration,
  type BridgeConfig,
} from '../../src/config/index.js';
import type { BridgeError } from '../../src/util/errors.js';
import { createLogger } from '../../src/util/logger.js';
import {
  claimSlot,
  freePort,
  harness,
  releaseSlot,
  type AppserviceSlot,
} from '../harness/index.js';
import { localBridgeConfig, writeSlotRegistration } from '../harness/local-bridge.js';

let slot: AppserviceSlot;
let dir: string;
let registrationPath: string;

beforeAll(async () => {
  slot = await claimSlot();
  dir = mkdtempSync(join(tmpdir(), 'bridge-startup-'));
  registrationPath = writeSlotRegistration(slot, harness().serverName, dir);
});

afterAll(() => {
  if (slot) releaseSlot(slot);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function config(edit: (c: BridgeConfig) => void = () => undefined): BridgeConfig {
  const h = harness();
  const c = localBridgeConfig({
    slot,
    synapseUrl: h.synapseUrl,
    serverName: h.serverName,
    registrationPath,
    dataDir: 'memory://',
    roomId: `!unused:${h.serverName}`,
    links: [],
    connectors: {},
  });
  c.portals = [];
  edit(c);
  return c;
}

/** Starts a bridge on `c`; returns the start's error (undefined when it started) and the log. */
async function start(c: BridgeConfig) {
  const lines: Array<Record<string, unknown>> = [];
  const raw: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      raw.push(chunk.toString());
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  // The logger the CLI makes: its lines carry the version.
  const log = createLogger('info', { stream: sink, format: 'json' });
  const app = new BridgeApp(c, [mattermost], log);
  const error = await app.start().then(
    () => undefined,
    (err: unknown) => err,
  );
  await app.stop();
  return { error: error as BridgeError | undefined, lines, raw };
}

describe('start-up checks', () => {
  it('starts on a good setup, with the version in the first and last start-up lines', async () => {
    const { error, lines, raw } = await start(config());
    expect(error).toBeUndefined();
    const starting = lines.find((l) => l.msg === 'bridge starting');
    const started = lines.find((l) => l.msg === 'bridge started');
    expect(starting?.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(started?.version).toBe(starting?.version);
    // Once per line: a second copy of a key makes the JSON ambiguous to log shippers.
    for (const line of raw.filter((l) => l.includes('"bridge start')))
      expect(line.match(/"version"/g)).toHaveLength(1);
    expect(lines.filter((l) => (l.level as number) >= 40)).toEqual([]);
  });

  it('refuses a registration the homeserver never loaded (fresh tokens)', async () => {
    const c = config();
    const fresh = join(dir, 'fresh-registration.yaml');
    writeRegistration(fresh, generateRegistration(c, ['mattermost']));
    c.appservice.registration = fresh;
    const { error } = await start(c);
    expect(error?.code).toBe('HOMESERVER_REFUSED_TOKEN');
    expect(error?.message).toContain(`refused the as_token of ${fresh} (appservice.registration)`);
    expect(error?.message).toContain('app_service_config_files');
  });

  it('waits for a homeserver that does not answer, a warn line per try, then names its URL', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const { error, lines } = await start(
      config((c) => Object.assign(c.homeserver, { url, startup_wait_s: 2 })),
    );
    expect(error?.code).toBe('HOMESERVER_UNREACHABLE');
    expect(error?.message).toContain(`Cannot reach the homeserver at ${url} (homeserver.url)`);
    const warnings = lines.filter((l) => l.msg === 'homeserver not reachable yet; waiting for it');
    expect(warnings.length).toBeGreaterThanOrEqual(1);
    expect(warnings[0]).toMatchObject({ level: 40, url, config_key: 'homeserver.url' });
  });

  it('refuses a registration that no longer fits the config', async () => {
    const { error } = await start(config((c) => (c.appservice.bot_localpart = 'renamed_bot')));
    expect(error?.code).toBe('REGISTRATION_MISMATCH');
    expect(error?.message).toContain(
      'appservice.bot_localpart in the configuration is "renamed_bot"',
    );
  });

  it('names appservice.port when the port is in use', async () => {
    const port = Number(new URL(slot.url).port);
    const squatter: Server = createServer();
    await new Promise<void>((r) => squatter.listen(port, '127.0.0.1', r));
    try {
      const { error } = await start(config());
      expect(error?.code).toBe('LISTEN_PORT_IN_USE');
      expect(error?.message).toContain(
        `127.0.0.1:${port} (appservice.bind_address, appservice.port)`,
      );
    } finally {
      await new Promise((r) => squatter.close(r));
    }
  });
});

/**
 * What `npm run demo -- --keep` leaves to explore: fixed ports, a config file (with its
 * secrets in files beside it) that the CLI and a real start can use, an admin demo user, and
 * what to try next.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { BridgeConfig } from '../src/config/index.js';

/** Bridge, Synapse and simulator listen on this port and the next two. */
export const DEFAULT_PORT_BASE = 29330;

export interface DemoPorts {
  bridge: number;
  synapse: number;
  simulator: number;
}

/**
 * Fixed ports for a kept demo (`--port-base N` or `DEMO_PORT_BASE`, default 29330), so its
 * URLs stay the same from run to run; undefined (any free ports) for a demo that ends itself.
 */
export function demoPorts(argv: string[], env: NodeJS.ProcessEnv): DemoPorts | undefined {
  const flag = argv.indexOf('--port-base');
  const given = flag >= 0 ? argv[flag + 1] : env.DEMO_PORT_BASE;
  if (given === undefined && !argv.includes('--keep')) return undefined;
  const base = given === undefined ? DEFAULT_PORT_BASE : Number(given);
  if (!Number.isInteger(base) || base < 1024 || base > 65_533) {
    throw new Error(
      `--port-base must be a whole number from 1024 to 65533 (got "${String(given)}"): ` +
        'the demo listens on it and the next two ports',
    );
  }
  return { bridge: base, synapse: base + 1, simulator: base + 2 };
}

export interface SandboxFiles {
  configPath: string;
  secretPath: string;
}

/**
 * Writes `config.yaml` for `config`, with the provisioning secret and the Mattermost bot
 * token in files of their own (`${file:…}`, mode 0600), as an operator would keep them.
 */
export function writeSandbox(
  dir: string,
  config: BridgeConfig,
  secrets: { provisioning: string; mattermostToken: string },
): SandboxFiles {
  const secretPath = join(dir, 'provisioning-secret');
  writeFileSync(secretPath, `${secrets.provisioning}\n`, { mode: 0o600 });
  writeFileSync(join(dir, 'mattermost-token'), `${secrets.mattermostToken}\n`, { mode: 0o600 });
  const withSecretFiles = JSON.parse(
    JSON.stringify(config)
      .replaceAll(secrets.provisioning, '${file:provisioning-secret}')
      .replaceAll(secrets.mattermostToken, '${file:mattermost-token}'),
  ) as unknown;
  const configPath = join(dir, 'config.yaml');
  const header =
    "# Written by `npm run demo`: the demo bridge's own configuration (docs/configuration.md).\n";
  writeFileSync(configPath, header + stringify(withSecretFiles), { mode: 0o600 });
  return { configPath, secretPath };
}

export interface SandboxInfo extends SandboxFiles {
  bridgeUrl: string;
  synapseUrl: string;
  simulatorUrl: string;
  roomId: string;
  channelId: string;
  matrixUser: string;
  matrixPassword: string;
  matrixToken: string;
  aliceToken: string;
}

/** The lines a kept demo prints: where everything is, and three things to try. */
export function sandboxLines(i: SandboxInfo): string[] {
  const cli = `npm run bridge -- list -c ${i.configPath}`;
  return [
    `console:     ${i.bridgeUrl}/_bridge/console/  (sign in with the secret in ${i.secretPath},`,
    `             or as ${i.matrixUser}, password ${i.matrixPassword}: an admin of this bridge)`,
    `API:         ${i.bridgeUrl}/_bridge/admin/v1/openapi.json`,
    `metrics:     ${i.bridgeUrl}/metrics`,
    `health:      ${i.bridgeUrl}/health`,
    `config:      ${i.configPath}`,
    `synapse:     ${i.synapseUrl}  (${i.matrixUser}: access token ${i.matrixToken})`,
    `mattermost:  ${i.simulatorUrl}  (alice: token ${i.aliceToken}; channel ${i.channelId})`,
    `room:        ${i.roomId}`,
    '',
    'Next steps:',
    `  1. Open the console above and look at the portal, its connection and the audit log.`,
    `  2. Ask the running bridge from another shell: ${cli}`,
    `  3. Post as alice and watch it arrive in ${i.roomId}:`,
    `     curl -s -H 'Authorization: Bearer ${i.aliceToken}' -d '{"channel_id":"${i.channelId}","message":"hi from curl"}' ${i.simulatorUrl}/api/v4/posts`,
    `     curl -s -H 'Authorization: Bearer ${i.matrixToken}' '${i.synapseUrl}/_matrix/client/v3/rooms/${encodeURIComponent(i.roomId)}/messages?dir=b&limit=3'`,
  ];
}

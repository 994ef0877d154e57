#!/usr/bin/env node
// First: the Matrix SDK, imported below, loads its crypto binding as it is evaluated.
import '../matrix/crypto-binding.js';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { BridgeApp } from '../app/bridge-app.js';
import { generateRegistration, loadConfig, writeRegistration } from '../config/index.js';
import type { ConnectorDefinition } from '../connector/contract.js';
import { loadConnectorDefinition } from '../core/connector-loader.js';
import { BridgeError, errorMessage } from '../util/errors.js';
import { createLogger } from '../util/logger.js';
import {
  ADMIN_COMMANDS,
  ADMIN_USAGE,
  runAdminCommand,
  type AdminCommand,
} from './admin-commands.js';

const USAGE = `usage: matrix-platform-bridge <command> [options]

commands:
  start                  run the bridge                      (-c config.yaml)
  generate-registration  write the appservice registration   (-c config.yaml -o registration.yaml [--force])

${ADMIN_USAGE}`;

/** Connector ids named in the config file, read before full validation needs their schemas. */
function connectorIds(configPath: string): string[] {
  try {
    const raw = parseYaml(readFileSync(configPath, 'utf8')) as {
      connectors?: Record<string, unknown>;
    } | null;
    return Object.keys(raw?.connectors ?? {});
  } catch {
    return []; // loadConfig reports the real problem with line numbers
  }
}

async function loadWithConnectors(configPath: string): Promise<{
  config: ReturnType<typeof loadConfig>;
  definitions: ConnectorDefinition[];
}> {
  const definitions = await Promise.all(connectorIds(configPath).map(loadConnectorDefinition));
  const connectorSchemas = Object.fromEntries(definitions.map((d) => [d.id, d.configSchema]));
  return { config: loadConfig(configPath, { connectorSchemas }), definitions };
}

const isAdminCommand = (c: string | undefined): c is AdminCommand =>
  (ADMIN_COMMANDS as readonly string[]).includes(c ?? '');

async function main(argv: string[]): Promise<number> {
  if (isAdminCommand(argv[0]) && !argv.includes('-h') && !argv.includes('--help')) {
    const { values } = parseArgs({
      args: argv.slice(1),
      allowPositionals: true,
      strict: false,
      options: { config: { type: 'string', short: 'c', default: 'config.yaml' } },
    });
    const { config } = await loadWithConnectors(String(values.config));
    return runAdminCommand(argv[0], argv.slice(1), config, {
      out: (text) => process.stdout.write(text),
    });
  }
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      config: { type: 'string', short: 'c', default: 'config.yaml' },
      output: { type: 'string', short: 'o', default: 'registration.yaml' },
      force: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const command = positionals[0];
  if (values.help || !command) {
    process.stdout.write(USAGE);
    return command || values.help ? 0 : 2;
  }
  if (command === 'generate-registration') {
    const { config, definitions } = await loadWithConnectors(values.config);
    const registration = generateRegistration(
      config,
      definitions.map((d) => d.id),
    );
    writeRegistration(values.output, registration, {
      force: values.force,
      connectorIds: definitions.map((d) => d.id),
    });
    process.stdout.write(
      `wrote ${values.output}; add it to app_service_config_files in homeserver.yaml\n`,
    );
    return 0;
  }
  if (command === 'start') {
    const { config, definitions } = await loadWithConnectors(values.config);
    const log = createLogger(config.logging.level);
    const app = new BridgeApp(config, definitions, log);
    const shutdown = (signal: string): void => {
      log.info({ signal }, 'stopping');
      void app.stop().finally(() => process.exit(0));
    };
    process.once('SIGTERM', () => shutdown('SIGTERM'));
    process.once('SIGINT', () => shutdown('SIGINT'));
    await app.start();
    return -1; // keep running
  }
  process.stderr.write(`unknown command "${command}"\n${USAGE}`);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (err: unknown) => {
    const code = err instanceof BridgeError ? ` [${err.code}]` : '';
    console.error(`error${code}: ${errorMessage(err)}`);
    process.exit(1);
  },
);

/**
 * The command line: parses the arguments and runs one command. Returns the exit code, or -1
 * for `start`, which keeps running; main.ts is only the process around this.
 */
// First: the Matrix SDK, imported below, loads its crypto binding as it is evaluated.
import '../matrix/crypto-binding.js';
import { parseArgs } from 'node:util';
import { BridgeApp } from '../app/bridge-app.js';
import { generateRegistration, writeRegistration } from '../config/index.js';
import { BridgeError } from '../util/errors.js';
import { createLogger } from '../util/logger.js';
import { bridgeVersion } from '../util/package-version.js';
import { ADMIN_COMMANDS, runAdminCommand, type AdminCommand } from './admin-commands.js';
import { loadForApiCommands, loadWithConnectors } from './config-loading.js';
import { reloadOnSignal } from './reload-signal.js';
import { commandUsage, globalUsage, isCommand, PROGRAM } from './usage.js';

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

const isAdminCommand = (c: string | undefined): c is AdminCommand =>
  (ADMIN_COMMANDS as readonly string[]).includes(c ?? '');

const wantsHelp = (argv: string[]) => argv.includes('-h') || argv.includes('--help');

const configOf = (argv: string[]): string =>
  String(
    parseArgs({
      args: argv,
      allowPositionals: true,
      strict: false,
      options: { config: { type: 'string', short: 'c', default: 'config.yaml' } },
    }).values.config,
  );

async function generate(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      config: { type: 'string', short: 'c', default: 'config.yaml' },
      output: { type: 'string', short: 'o', default: 'registration.yaml' },
      force: { type: 'boolean', default: false },
    },
  });
  const { config, definitions } = await loadWithConnectors(values.config);
  const ids = definitions.map((d) => d.id);
  writeRegistration(values.output, generateRegistration(config, ids), {
    force: values.force,
    connectorIds: ids,
  });
  io.out(`wrote ${values.output}; add it to app_service_config_files in homeserver.yaml\n`);
  return 0;
}

async function start(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { config: { type: 'string', short: 'c', default: 'config.yaml' } },
  });
  const { config, definitions } = await loadWithConnectors(values.config);
  const log = createLogger(config.logging.level, { format: config.logging.format });
  const app = new BridgeApp(config, definitions, log);
  const shutdown = (signal: string): void => {
    log.info({ signal }, 'stopping');
    void app.stop().finally(() => process.exit(0));
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
  const started = app.start();
  reloadOnSignal({ signals: process, configPath: values.config, started, bridge: app, log });
  await started;
  return -1; // keep running
}

/** Runs the command line `argv` (without node and the script). */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const command = argv[0]?.startsWith('-') ? undefined : argv[0];
  if (!command && (argv.includes('-V') || argv.includes('--version'))) {
    io.out(`${PROGRAM} ${bridgeVersion()}\n`);
    return 0;
  }
  if (!command || !isCommand(command)) {
    if (!command && wantsHelp(argv)) {
      io.out(globalUsage());
      return 0;
    }
    io.err(`${command ? `unknown command "${command}"` : 'no command given'}\n${globalUsage()}`);
    return 2;
  }
  const rest = argv.slice(1);
  if (wantsHelp(rest)) {
    io.out(commandUsage(command));
    return 0;
  }
  return runCommand(command, rest, io).catch((err: unknown) => {
    // Node's parser says what is wrong with the arguments, not where to read more.
    if (!String((err as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS')) throw err;
    const hint = `${PROGRAM} ${command} --help lists its arguments and options`;
    throw new BridgeError('CLI_USAGE', `${(err as Error).message} (${hint})`, { cause: err });
  });
}

function runCommand(command: string, rest: string[], io: CliIo): Promise<number> {
  if (isAdminCommand(command)) {
    const config = loadForApiCommands(configOf(rest));
    return runAdminCommand(command, rest, config, { out: io.out });
  }
  return command === 'start' ? start(rest) : generate(rest, io);
}

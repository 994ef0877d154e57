/**
 * What `--help` prints: the list of commands, and for each command its own usage, arguments
 * and options, so `matrix-platform-bridge link --help` answers about `link` alone.
 */
export const PROGRAM = 'matrix-platform-bridge';

interface CommandHelp {
  /** After the program name: the command and its arguments. */
  synopsis: string;
  /** One line for the command list. */
  summary: string;
  /** More about what it does, for its own help. */
  details?: string;
  /** `  -x, --flag <value>   what it does` lines beyond the common ones. */
  options?: string[];
  /** Whether it talks to the running bridge (then it takes --url, --as, --json). */
  api?: boolean;
}

const CONFIG_OPTION = '-c, --config <path>   the configuration file (default: config.yaml)';
const API_OPTIONS = [
  '--url <bridge URL>    where the bridge listens (default: from appservice.bind_address and port)',
  '--as <@user:server>   act with that Matrix user’s permissions instead of the secret’s',
  '--json                print the API’s answer as JSON',
];
const API_DETAILS =
  'Talks to the running bridge’s provisioning API, signed in with admin.provisioning.secret;\n' +
  'needs only that and the listener address from the config, no platform secrets.';

export const COMMAND_HELP: Record<string, CommandHelp> = {
  start: {
    synopsis: 'start [-c config.yaml]',
    summary: 'run the bridge',
    details:
      'Checks the configuration, the registration file against it, that the homeserver answers\n' +
      'and knows the registration, and that appservice.port is free; then runs until SIGTERM/SIGINT.',
  },
  'generate-registration': {
    synopsis: 'generate-registration [-c config.yaml] [-o registration.yaml] [--force]',
    summary: 'write the appservice registration for the homeserver',
    details:
      'Add the file to app_service_config_files in homeserver.yaml and restart the homeserver.',
    options: [
      '-o, --output <path>   where to write it (default: registration.yaml)',
      '--force               replace an existing file (the homeserver then needs a restart)',
    ],
  },
  list: { synopsis: 'list', summary: 'bridged rooms and their channels', api: true },
  status: {
    synopsis: 'status',
    summary: 'connection states and recent delivery failures',
    api: true,
  },
  channels: {
    synopsis: 'channels <connector> <workspace>',
    summary: 'channels the bridge can reach',
    api: true,
  },
  link: {
    synopsis: 'link <connector> <workspace> <channel> <room>',
    summary: 'link a room (id or alias) with a channel',
    api: true,
  },
  unlink: {
    synopsis: 'unlink <connector> <workspace> <channel>',
    summary: 'unlink a channel',
    api: true,
  },
  retire: {
    synopsis: 'retire <connector> <workspace> <channel> [grace days]',
    summary: 'end a channel after a migration: read-only, unlinked after the grace period (admin)',
    api: true,
  },
  'erase-user': {
    synopsis: 'erase-user <@user:server> | <connector> <workspace> <platform user id>',
    summary: "erase one person's data from the bridge (admin; cannot be undone)",
    api: true,
  },
  audit: {
    synopsis: 'audit [--limit N]',
    summary: 'the audit log, newest first',
    options: ['--limit <N>           how many entries (default: 25)'],
    api: true,
  },
};

export const isCommand = (name: string | undefined): boolean =>
  name !== undefined && Object.hasOwn(COMMAND_HELP, name);

const line = (name: string, h: CommandHelp) => `  ${name.padEnd(23)}${h.summary}`;

/** The list of commands, for `--help` and a missing or unknown command. */
export function globalUsage(): string {
  const entries = Object.entries(COMMAND_HELP);
  return [
    `usage: ${PROGRAM} <command> [options]`,
    '',
    'commands:',
    ...entries.filter(([, h]) => !h.api).map(([n, h]) => line(n, h)),
    '',
    'administration (talks to the running bridge with admin.provisioning.secret):',
    ...entries.filter(([, h]) => h.api).map(([n, h]) => line(n, h)),
    '',
    'options:',
    `  ${CONFIG_OPTION}`,
    '  -h, --help            this help; <command> --help for that command’s',
    '  -V, --version         the version',
    '',
  ].join('\n');
}

/** One command's own usage, arguments and options. */
export function commandUsage(name: string): string {
  const h = COMMAND_HELP[name]!;
  const details = h.api ? API_DETAILS : h.details;
  const options = [CONFIG_OPTION, ...(h.options ?? []), ...(h.api ? API_OPTIONS : [])];
  return [
    `usage: ${PROGRAM} ${h.synopsis}`,
    '',
    `${h.summary[0]!.toUpperCase()}${h.summary.slice(1)}.`,
    ...(details ? [details] : []),
    '',
    'options:',
    ...options.map((o) => `  ${o}`),
    '  -h, --help            this help',
    '',
  ].join('\n');
}

import { pino, type DestinationStream, type Logger } from 'pino';
import pretty from 'pino-pretty';
import { bridgeVersion } from './package-version.js';

export type { Logger } from 'pino';

/** Keys whose values never reach a log line, whatever the level. */
const REDACT = [
  '*.token',
  '*.access_token',
  '*.hs_token',
  '*.as_token',
  '*.password',
  '*.secret',
  'headers.authorization',
  '*.headers.authorization',
];

export interface LoggerOptions {
  /** `auto` (default): readable lines when `stream` is a terminal, JSON lines otherwise. */
  format?: 'auto' | 'json' | 'pretty';
  /** Where lines go; standard output by default. */
  stream?: NodeJS.WritableStream & { isTTY?: boolean };
}

export function createLogger(
  level: string = process.env.LOG_LEVEL ?? 'info',
  options: LoggerOptions = {},
): Logger {
  const stream = options.stream ?? process.stdout;
  const format = options.format ?? 'auto';
  const readable = format === 'pretty' || (format === 'auto' && stream.isTTY === true);
  return pino(
    {
      level,
      // Every line names the release, so a log excerpt says which code wrote it.
      base: { app: 'matrix-platform-bridge', version: bridgeVersion() },
      redact: { paths: REDACT, censor: '[redacted]' },
    },
    readable ? readableLines(stream) : (stream as DestinationStream),
  );
}

/** One line per entry for a person at a terminal: local time, level, message, then fields. */
function readableLines(stream: NodeJS.WritableStream & { isTTY?: boolean }): DestinationStream {
  return pretty({
    destination: stream,
    colorize: stream.isTTY === true,
    sync: true,
    translateTime: 'SYS:yyyy-mm-dd HH:MM:ss',
    // The same on every line; the start-up line names the version.
    ignore: 'pid,hostname,app,version',
    singleLine: true,
  });
}

/**
 * A logger that drops everything, for tests that do not inspect logs. Set
 * BRIDGE_TEST_LOG=debug (or another level) to see a test bridge's logs on stdout.
 */
export function silentLogger(): Logger {
  return pino({ level: process.env.BRIDGE_TEST_LOG ?? 'silent' });
}

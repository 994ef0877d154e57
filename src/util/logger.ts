import { pino, type Logger } from 'pino';

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

export function createLogger(level: string = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({
    level,
    base: { app: 'matrix-platform-bridge' },
    redact: { paths: REDACT, censor: '[redacted]' },
  });
}

/**
 * A logger that drops everything, for tests that do not inspect logs. Set
 * BRIDGE_TEST_LOG=debug (or another level) to see a test bridge's logs on stdout.
 */
export function silentLogger(): Logger {
  return pino({ level: process.env.BRIDGE_TEST_LOG ?? 'silent' });
}

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

/** A logger that drops everything, for tests that do not inspect logs. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

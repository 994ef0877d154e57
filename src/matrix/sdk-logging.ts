import { LogLevel, LogService, type ILogger } from '@vector-im/matrix-bot-sdk';
import type { Logger } from 'pino';

/**
 * Routes the Matrix SDK's own log lines into pino. The SDK logs every failed request at
 * error level, including expected ones the bridge handles itself (a ghost joining a room it
 * was not yet invited to, then being invited), so its lines go to debug; the bridge logs
 * the failures that matter where it catches them.
 */
export function routeSdkLogs(log: Logger): void {
  const child = log.child({ component: 'matrix-sdk' });
  const write =
    (level: 'debug' | 'trace') =>
    (module: string, ...parts: unknown[]): void => {
      if (!child.isLevelEnabled(level)) return;
      child[level](
        { module },
        parts.map((p) => (typeof p === 'string' ? p : safeJson(p))).join(' '),
      );
    };
  const logger: ILogger = {
    error: write('debug'),
    warn: write('debug'),
    info: write('trace'),
    debug: write('trace'),
    trace: write('trace'),
  };
  LogService.setLogger(logger);
  LogService.setLevel(LogLevel.TRACE);
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value)?.slice(0, 500) ?? String(value);
  } catch {
    return String(value);
  }
}

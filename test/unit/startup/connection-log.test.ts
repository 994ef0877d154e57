/**
 * A connector's connection states are logged at a level that shows what matters at `warn`:
 * refused credentials at error, an unreachable platform at warn, each naming the workspace,
 * the full config key and the URL; the log-only details stay out of the status views.
 */
import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { logConnectionState } from '../../../src/app/connection-log.js';
import type { ConnectionState } from '../../../src/connector/contract.js';

function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  // At warn, as an operator who only wants problems would run it.
  return { log: pino({ level: 'warn' }, sink), lines };
}

const URL_ = 'https://chat.agency.example';
const KEY = 'connectors.acme.workspaces.agency-a.token';

describe('logConnectionState', () => {
  it.each<[ConnectionState, number, string]>([
    [
      { status: 'bad_credentials', error: 'the bot token was refused', configKey: KEY, url: URL_ },
      50,
      'the platform refused the bridge’s credentials',
    ],
    [
      { status: 'retrying', error: 'connect ECONNREFUSED', configKey: KEY, url: URL_ },
      40,
      'cannot reach the platform; retrying',
    ],
  ])('%o is logged at %i with workspace, key and URL', (state, level, msg) => {
    const { log, lines } = capture();
    const shown = logConnectionState(log, 'acme', 'agency-a', state);
    expect(lines).toEqual([
      expect.objectContaining({
        level,
        msg,
        workspace: 'agency-a',
        status: state.status,
        reason: state.error,
        config_key: KEY,
        url: URL_,
      }),
    ]);
    expect(shown).toEqual({ status: state.status, error: state.error });
  });

  it.each<ConnectionState['status']>(['connecting', 'connected', 'stopped'])(
    '%s stays at info (not shown at warn)',
    (status) => {
      const { log, lines } = capture();
      expect(logConnectionState(log, 'acme', 'agency-a', { status, url: URL_ })).toEqual({
        status,
      });
      expect(lines).toEqual([]);
    },
  );

  it('names the workspace block when the connector gives no key', () => {
    const { log, lines } = capture();
    logConnectionState(log, 'acme', 'agency-b', { status: 'retrying', error: 'timeout' });
    expect(lines[0]).toMatchObject({ config_key: 'connectors.acme.workspaces.agency-b' });
    expect(lines[0]).not.toHaveProperty('url');
  });
});

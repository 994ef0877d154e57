/**
 * A listener that cannot open says which config keys chose the address and what to do, not a
 * bare `listen EADDRINUSE`. The errors are real ones from Node's listen, not made up.
 */
import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { listenError } from '../../../src/app/listen-error.js';

const servers: Server[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/** What Node's listen fails with at host:port (resolves undefined when it succeeds). */
function listenFailure(host: string, port: number): Promise<unknown> {
  const server = createServer();
  servers.push(server);
  return new Promise((resolve) => {
    server.once('error', resolve);
    server.listen(port, host, () => resolve(undefined));
  });
}

async function busyPort(): Promise<number> {
  const server = createServer();
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as { port: number }).port;
}

describe('listenError', () => {
  it('a port in use names appservice.port, the address, and what to do', async () => {
    const port = await busyPort();
    const cause = await listenFailure('127.0.0.1', port);
    expect((cause as NodeJS.ErrnoException).code).toBe('EADDRINUSE');
    const err = listenError(cause, { port, bindAddress: '127.0.0.1' });
    expect(err.code).toBe('LISTEN_PORT_IN_USE');
    expect(err.message).toContain(
      `Cannot listen on 127.0.0.1:${port} (appservice.bind_address, appservice.port)`,
    );
    expect(err.message).toContain(`another process already uses port ${port}`);
    expect(err.message).toContain('is the bridge already running?');
    expect(err.message).toContain('choose another appservice.port, change appservice.url');
    expect(err.cause).toBe(cause);
  });

  it('an address this machine does not have names appservice.bind_address', async () => {
    // 192.0.2.0/24 is reserved for documentation: no interface here has it, nothing is sent.
    const cause = await listenFailure('192.0.2.1', 0);
    expect((cause as NodeJS.ErrnoException).code).toBe('EADDRNOTAVAIL');
    const err = listenError(cause, { port: 9000, bindAddress: '192.0.2.1' });
    expect(err.code).toBe('LISTEN_FAILED');
    expect(err.message).toMatch(
      /No network interface of this machine has that address: set appservice\.bind_address/,
    );
  });

  it.each([
    ['EACCES', /Ports below 1024 need privileges: choose appservice\.port 1024 or above\.$/],
    ['EMFILE', /Fix appservice\.bind_address or appservice\.port\.$/],
    [undefined, /Fix appservice\.bind_address or appservice\.port\.$/],
  ])('%s becomes LISTEN_FAILED with advice', (code, advice) => {
    const cause = Object.assign(new Error(`listen ${code ?? 'failed'}`), { code });
    const err = listenError(cause, { port: 80, bindAddress: '0.0.0.0' });
    expect(err.code).toBe('LISTEN_FAILED');
    expect(err.message).toContain(
      'Cannot listen on 0.0.0.0:80 (appservice.bind_address, appservice.port)',
    );
    expect(err.message).toMatch(advice);
  });
});

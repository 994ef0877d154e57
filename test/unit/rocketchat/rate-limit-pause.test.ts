/**
 * Rocket.Chat's 429 holds the bot's later calls to that endpoint for the server's reset time
 * (the toolkit's pacer), and is handed to the caller once, not retried underneath.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { RocketChatApi } from '../../../connectors/rocketchat/api.js';
import { RemoteApiError } from '../../../src/connector/errors.js';

let server: Server | undefined;
afterEach(
  () => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())),
);

/** A server that refuses the first `refusals` calls with 429 and records when each arrived. */
async function limitedServer(
  refusals: number,
  retryAfter = '1',
): Promise<{ url: string; arrivals: number[] }> {
  const arrivals: number[] = [];
  server = createServer((req, res) => {
    arrivals.push(Date.now());
    if (arrivals.length <= refusals) {
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': retryAfter });
      res.end(JSON.stringify({ success: false, error: 'Too many requests' }));
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ success: true }));
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server!.address() as AddressInfo).port}`, arrivals };
}

describe('Rocket.Chat rate-limit pause', () => {
  it('fails the refused call once and holds the next one for the Retry-After', async () => {
    const { url, arrivals } = await limitedServer(1);
    const api = new RocketChatApi(url, 'bot-id', 'token');
    const refused = await api.get('me').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(RemoteApiError);
    expect(refused).toMatchObject({ status: 429, retryable: true, retryAfterMs: 1000 });
    expect(arrivals).toHaveLength(1);
    await expect(api.get('me')).resolves.toMatchObject({ success: true });
    expect(arrivals).toHaveLength(2);
    // A lower bound: load can only make the wait longer.
    expect(arrivals[1]! - arrivals[0]!).toBeGreaterThanOrEqual(900);
  });

  it('holds only that endpoint, and hands a long hold back as RATE_LIMITED unsent', async () => {
    const { url, arrivals } = await limitedServer(1, '3600');
    const api = new RocketChatApi(url, 'bot-id', 'token');
    await api.get('me').catch(() => undefined);
    await expect(api.get('info')).resolves.toMatchObject({ success: true });
    expect(arrivals).toHaveLength(2);
    const held = await api.get('me').catch((e: unknown) => e);
    expect(held).toMatchObject({ code: 'RATE_LIMITED', retryable: true, status: 429 });
    expect((held as RemoteApiError).retryAfterMs).toBeGreaterThan(3_500_000);
    expect(arrivals).toHaveLength(2);
  });
});

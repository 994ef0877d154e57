import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  fetchPlatformFile,
  FileRefusedError,
  RemoteApiError,
  type FileFetchOptions,
} from '../../src/connector/index.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

interface TestServer {
  url: string;
  port: number;
  hits: Array<{ path: string; auth?: string }>;
  handler: Handler;
  server: Server;
}

async function startServer(): Promise<TestServer> {
  const notFound: Handler = (_req, res) => res.writeHead(404).end();
  const t = { hits: [], handler: notFound } as unknown as TestServer;
  t.server = createServer((req, res) => {
    t.hits.push({ path: req.url ?? '', auth: req.headers.authorization });
    t.handler(req, res);
  });
  await new Promise<void>((r) => t.server.listen(0, '127.0.0.1', r));
  t.port = (t.server.address() as AddressInfo).port;
  t.url = `http://127.0.0.1:${t.port}`;
  return t;
}

let platform: TestServer;
let elsewhere: TestServer;
let options: FileFetchOptions;

beforeAll(async () => {
  platform = await startServer();
  elsewhere = await startServer();
});
afterAll(async () => {
  await Promise.all([platform, elsewhere].map((s) => new Promise((r) => s.server.close(r))));
});
beforeEach(() => {
  platform.hits.length = 0;
  elsewhere.hits.length = 0;
  platform.handler = (req, res) => {
    if (req.url === '/files/F1/a.txt') res.writeHead(200, { 'content-type': 'text/plain' });
    else res.writeHead(404);
    res.end(req.url === '/files/F1/a.txt' ? 'hello' : '');
  };
  elsewhere.handler = (_req, res) => res.writeHead(200).end('stolen');
  options = {
    rules: [{ origin: platform.url, path: /^\/files\/F[0-9]+\/[^/]+$/, credentials: true }],
    credentials: { authorization: 'Bearer xoxb-secret' },
    maxBytes: 1024,
    platform: 'Testchat',
  };
});

const redirectTo = (location: (req: IncomingMessage) => string, status = 302): Handler => {
  return (req, res) => {
    if (req.url?.startsWith('/files/F9/')) res.writeHead(status, { location: location(req) }).end();
    else if (req.url === '/files/F1/a.txt') res.writeHead(200).end('hello');
    else res.writeHead(404).end();
  };
};

describe('fetchPlatformFile', () => {
  it('downloads from the platform endpoint with the credentials', async () => {
    const got = await fetchPlatformFile(`${platform.url}/files/F1/a.txt`, options);
    expect(got.data.toString()).toBe('hello');
    expect(got.mimetype).toBe('text/plain');
    expect(platform.hits).toEqual([{ path: '/files/F1/a.txt', auth: 'Bearer xoxb-secret' }]);
  });

  it('follows a redirect to another file path of the platform, checked again', async () => {
    platform.handler = redirectTo(() => '/files/F1/a.txt', 307);
    const got = await fetchPlatformFile(`${platform.url}/files/F9/b.txt`, options);
    expect(got.data.toString()).toBe('hello');
    expect(platform.hits.map((h) => h.path)).toEqual(['/files/F9/b.txt', '/files/F1/a.txt']);
  });

  const hostileHops: Array<[string, (req: IncomingMessage) => string]> = [
    ['another port (127.0.0.1)', () => `${elsewhere.url}/files/F1/a.txt`],
    ['another host name, same server', () => `http://localhost:${platform.port}/files/F1/a.txt`],
    ['userinfo', () => `http://x@127.0.0.1:${platform.port}/files/F1/a.txt`],
    ['another path on the same host', () => '/api/users.list'],
    ['dot segments', () => '/files/F1/../../api/users.list'],
    ['encoded dot segments', () => '/files/F1/%2e%2e/%2e%2e/api'],
    ['scheme-relative to elsewhere', () => `//127.0.0.1:${elsewhere.port}/files/F1/a.txt`],
    ['backslashes', () => `\\\\127.0.0.1:${elsewhere.port}\\files\\F1\\a.txt`],
    ['https upgrade to another origin', () => `https://127.0.0.1:${platform.port}/files/F1/a`],
    ['metadata address', () => 'http://169.254.169.254/latest/meta-data/'],
    ['very long', () => `/files/F1/${'a'.repeat(5000)}`],
  ];

  it.each(hostileHops)('refuses a redirect to %s before requesting it', async (_n, location) => {
    platform.handler = redirectTo(location);
    await expect(fetchPlatformFile(`${platform.url}/files/F9/b.txt`, options)).rejects.toThrow(
      FileRefusedError,
    );
    expect(platform.hits.map((h) => h.path)).toEqual(['/files/F9/b.txt']);
    expect(elsewhere.hits).toEqual([]);
  });

  it('never sends the credentials to a hop whose rule does not allow them', async () => {
    platform.handler = redirectTo(() => `${elsewhere.url}/dl?token=pre-authorised`);
    const rules = [
      ...options.rules,
      { origin: elsewhere.url, path: /^\/dl$/, query: true, credentials: false },
    ];
    const got = await fetchPlatformFile(`${platform.url}/files/F9/b.txt`, { ...options, rules });
    expect(got.data.toString()).toBe('stolen');
    expect(elsewhere.hits).toEqual([{ path: '/dl?token=pre-authorised', auth: undefined }]);
  });

  it('refuses a redirect loop after the bound', async () => {
    platform.handler = redirectTo(() => '/files/F9/b.txt');
    await expect(
      fetchPlatformFile(`${platform.url}/files/F9/b.txt`, { ...options, maxRedirects: 2 }),
    ).rejects.toThrow(/redirected the download too many times/);
    expect(platform.hits).toHaveLength(3);
  });

  it('refuses bodies over the bound, declared or streamed', async () => {
    platform.handler = (_req, res) =>
      res.writeHead(200, { 'content-length': 2000 }).end('x'.repeat(2000));
    await expect(
      fetchPlatformFile(`${platform.url}/files/F1/a.txt`, options),
    ).rejects.toMatchObject({
      code: 'FILE_TOO_LARGE',
    });
    platform.handler = (_req, res) => {
      res.writeHead(200);
      for (let i = 0; i < 10; i++) res.write('y'.repeat(300));
      res.end();
    };
    await expect(
      fetchPlatformFile(`${platform.url}/files/F1/a.txt`, options),
    ).rejects.toMatchObject({
      code: 'FILE_TOO_LARGE',
    });
  });

  it('classifies failures: 404 is final, 503 is retried after Retry-After', async () => {
    const at = `${platform.url}/files/F2/a.txt`;
    const notFound = await fetchPlatformFile(at, options).catch((e: RemoteApiError) => e);
    expect(notFound).toBeInstanceOf(RemoteApiError);
    expect((notFound as RemoteApiError).retryable).toBe(false);
    platform.handler = (_req, res) => res.writeHead(503, { 'retry-after': '7' }).end();
    const busy = (await fetchPlatformFile(at, options).catch((e: unknown) => e)) as RemoteApiError;
    expect(busy.retryable).toBe(true);
    expect(busy.retryAfterMs).toBe(7000);
    expect(busy.message).not.toContain('xoxb');
  });

  it('refuses the first URL itself without any request when it is not the endpoint', async () => {
    await expect(fetchPlatformFile(`${elsewhere.url}/files/F1/a.txt`, options)).rejects.toThrow(
      FileRefusedError,
    );
    expect(elsewhere.hits).toEqual([]);
  });
});

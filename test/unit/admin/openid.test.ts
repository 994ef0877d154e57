import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminError } from '../../../src/admin/errors.js';
import { OpenIdVerifier } from '../../../src/admin/http/openid.js';

/** A homeserver's userinfo endpoint: token → user id; `notserved` mimics a client-only listener. */
let server: Server;
let url = '';
const tokens: Record<string, string> = { good: '@ada:example.org', liar: '@boss:other.org' };

beforeAll(async () => {
  server = createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://x');
    if (u.pathname !== '/_matrix/federation/v1/openid/userinfo') {
      res.writeHead(404).end('{"errcode":"M_UNRECOGNIZED"}');
      return;
    }
    const sub = tokens[u.searchParams.get('access_token') ?? ''];
    if (!sub) {
      res
        .writeHead(401)
        .end('{"errcode":"M_UNKNOWN_TOKEN","error":"Access Token unknown or expired"}');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ sub }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((r) => server.close(() => r())));

async function failure(work: Promise<unknown>): Promise<AdminError> {
  const err = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AdminError);
  return err as AdminError;
}

describe('OpenIdVerifier', () => {
  const verifier = () =>
    new OpenIdVerifier({
      homeserverDomain: 'example.org',
      homeserverUrl: url,
      otherServers: new Set(['partner.org']),
    });

  it('returns the user the own homeserver vouches for', async () => {
    expect(await verifier().verify('good')).toBe('@ada:example.org');
    expect(await verifier().verify('good', 'EXAMPLE.org')).toBe('@ada:example.org');
  });

  it('refuses unknown tokens and a server vouching for another server’s user', async () => {
    expect((await failure(verifier().verify('bad'))).code).toBe('BAD_TOKEN');
    const liar = await failure(verifier().verify('liar'));
    expect(liar.code).toBe('BAD_TOKEN');
    expect(liar.message).toContain('@boss:other.org');
  });

  it('says what to do when the homeserver does not serve the userinfo API', async () => {
    const v = new OpenIdVerifier({
      homeserverDomain: 'example.org',
      homeserverUrl: `${url}/prefix`,
      otherServers: new Set(),
    });
    const err = await failure(v.verify('good'));
    expect(err.code).toBe('REMOTE_UNAVAILABLE');
    expect(err.message).toContain('"openid" resource');
  });

  it('asks other servers only when permissions name them, via .well-known delegation', async () => {
    const asked: string[] = [];
    const fakeFetch = (async (input: string | URL) => {
      const target = String(input);
      asked.push(target.split('?')[0] as string);
      if (target === 'https://partner.org/.well-known/matrix/server') {
        return new Response(JSON.stringify({ 'm.server': 'matrix.partner.org:443' }), {
          status: 200,
        });
      }
      if (
        target.startsWith('https://matrix.partner.org:443/_matrix/federation/v1/openid/userinfo')
      ) {
        return new Response(JSON.stringify({ sub: '@pat:partner.org' }), { status: 200 });
      }
      return new Response('', { status: 404 });
    }) as typeof fetch;
    const v = new OpenIdVerifier({
      homeserverDomain: 'example.org',
      homeserverUrl: url,
      otherServers: new Set(['partner.org']),
      fetch: fakeFetch,
    });
    expect(await v.verify('t', 'partner.org')).toBe('@pat:partner.org');
    expect(asked).toEqual([
      'https://partner.org/.well-known/matrix/server',
      'https://matrix.partner.org:443/_matrix/federation/v1/openid/userinfo',
    ]);
    asked.length = 0;
    expect((await failure(v.verify('t', 'evil.internal'))).code).toBe('BAD_TOKEN');
    expect((await failure(v.verify('t', 'bad/name'))).code).toBe('INVALID_REQUEST');
    expect(asked).toEqual([]);
  });
});

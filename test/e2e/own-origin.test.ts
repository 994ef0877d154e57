import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MediaProxy } from '../../src/matrix/media-proxy.js';
import { silentLogger } from '../../src/util/logger.js';
import { GOOD_IMAGES, HOSTILE_PAYLOADS } from '../fixtures/images.js';
import { createAdminWorld, type AdminWorld } from './admin-fixture.js';

// Security class: content served from the bridge's own origin. Whatever a Matrix user uploads
// as an avatar, the bridge's media proxy serves only raster images checked by their bytes,
// and every answer on the listener is nosniff and under a Content-Security-Policy.

let w: AdminWorld;
let proxy: MediaProxy;

beforeAll(async () => {
  w = await createAdminWorld();
  // The bridge's own media secret (bridge-app.ts), so the URLs below are ones it would issue.
  const secret =
    w.config.appservice.media_secret ??
    createHash('sha256').update(`media:${w.slot.asToken}`).digest('hex');
  proxy = new MediaProxy(
    w.config.appservice.public_url,
    secret,
    undefined as never,
    silentLogger(),
  );
});

afterAll(async () => {
  await w?.close();
});

/** Uploads `bytes` as a Matrix user would, declaring `declared`; the bridge's signed URL. */
async function signedUrlOf(bytes: Buffer, declared: string, filename: string): Promise<string> {
  const mxc = await w.plain.uploadMedia(new Uint8Array(bytes), declared, filename);
  const url = proxy.urlFor(mxc);
  if (!url) throw new Error(`no proxy URL for ${mxc}`);
  return url;
}

function expectUserContentHeaders(res: Response): void {
  expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  expect(res.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
}

describe('media proxy serves only raster images, judged by their bytes', () => {
  it.each(GOOD_IMAGES.map((g) => [g.name, g] as const))(
    'serves a real %s declared as text/html, typed by its bytes',
    async (_name, image) => {
      const url = await signedUrlOf(image.bytes, 'text/html', 'page.html');
      const res = await fetch(url);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe(image.mimetype);
      const ext = image.mimetype === 'image/jpeg' ? 'jpg' : image.mimetype.slice(6);
      expect(res.headers.get('content-disposition')).toBe(`inline; filename="image.${ext}"`);
      expectUserContentHeaders(res);
      expect(Buffer.from(await res.arrayBuffer()).equals(image.bytes)).toBe(true);
    },
  );

  it.each(HOSTILE_PAYLOADS.map((p) => [p.name, p] as const))(
    'refuses %s without echoing it',
    async (name, payload) => {
      // Synapse may refuse an empty upload itself; then nothing could reach the proxy anyway.
      let url: string;
      try {
        url = await signedUrlOf(payload.bytes, payload.declared, `${name}.png`);
      } catch (err) {
        expect(payload.bytes.length, String(err)).toBe(0);
        return;
      }
      const res = await fetch(url);
      const body = await res.text();
      expect(res.status, body).toBe(415);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expectUserContentHeaders(res);
      expect(JSON.parse(body)).toMatchObject({ errcode: 'M_UNKNOWN', code: payload.code });
      expect(body).not.toMatch(/script|alert|svg|PDF|html/i);
    },
  );

  it('answers HEAD like GET, without a body and with the same headers', async () => {
    const image = GOOD_IMAGES[0]!;
    const res = await fetch(await signedUrlOf(image.bytes, 'image/svg+xml', 'a.svg'), {
      method: 'HEAD',
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(image.mimetype);
    expectUserContentHeaders(res);
  });

  it('puts the user-content headers on refusals of bad signatures too', async () => {
    const res = await fetch(`${w.bridgeUrl}/_bridge/media/localhost/abc?sig=${'0'.repeat(32)}`);
    expect(res.status).toBe(403);
    expectUserContentHeaders(res);
  });
});

describe('every answer on the listener is nosniff and under a Content-Security-Policy', () => {
  const API_CSP = "default-src 'none'; frame-ancestors 'none'; sandbox";
  const routes: Array<[string, string, string, RequestInit?]> = [
    ['health', '/health', API_CSP],
    ['readiness', '/ready', API_CSP],
    ['metrics', '/metrics', API_CSP],
    ['OpenAPI document', '/_bridge/admin/v1/openapi.json', API_CSP],
    ['API without a token', '/_bridge/admin/v1/whoami', API_CSP],
    ['API unknown route', '/_bridge/admin/v1/nothing', API_CSP],
    [
      'appservice API without a token',
      '/_matrix/app/v1/transactions/1',
      API_CSP,
      { method: 'PUT' },
    ],
    [
      'unknown webhook',
      '/_bridge/webhooks/nothing/events',
      API_CSP,
      { method: 'POST', body: '{}' },
    ],
    ['console redirect', '/_bridge/console', API_CSP, { redirect: 'manual' }],
    // express's own 404 page keeps its own policy, which is as strict (it loads nothing).
    ['unknown path', '/nothing/here', "default-src 'none'"],
  ];

  it.each(routes)('%s', async (_name, path, policy, init) => {
    const res = await fetch(`${w.bridgeUrl}${path}`, init);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toBe(policy);
  });

  it.each([
    '',
    'index.html',
    'console.css',
    'settings.json',
    // console.js and the modules it imports
    'console.js',
    'api.js',
    'errors.js',
    'format.js',
    'traffic.js',
    'views.js',
    'audit.js',
    'link.js',
    'platforms.js',
  ])(
    'console file "%s" carries the console policy: its own scripts only, nothing inline',
    async (file) => {
      const res = await fetch(`${w.bridgeUrl}/_bridge/console/${file}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("script-src 'self';");
      expect(csp).not.toContain('unsafe-inline');
      expect(csp).not.toContain('unsafe-eval');
      expect(csp).toContain("frame-ancestors 'none'");
    },
  );
});

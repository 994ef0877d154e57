/** Bad requests to the other ways in: connector webhooks, the media proxy, the admin API. */
import type { RawRequest } from './http.js';
import { refused, type BadCase, type CaseContext, type Expectation } from './case-kit.js';

/** Connector webhooks: unknown connector, oversized bodies, bad signatures (probe connector). */
export function webhookCases(probeSecretOk: string): BadCase[] {
  const W = '/_bridge/webhooks';
  const big = Buffer.alloc(1024 * 1024 + 1, 'a');
  const list: Array<[string, RawRequest, Expectation, string?]> = [
    ['no connector', { method: 'POST', path: `${W}/`, body: '{}' }, refused(404)],
    ['unknown connector', { method: 'POST', path: `${W}/nope/events`, body: '{}' }, refused(404)],
    [
      'connector without webhooks',
      { method: 'POST', path: `${W}/mattermost`, body: '{}' },
      refused(404),
    ],
    [
      'traversal in connector name',
      { method: 'POST', path: `${W}/..%2fprobe`, body: '{}' },
      refused(404),
    ],
    [
      'declared over 1 MB',
      {
        method: 'POST',
        path: `${W}/probe/events`,
        headers: { 'content-length': String(5 * 1024 * 1024) },
        body: 'x',
      },
      refused(413),
    ],
    ['over 1 MB', { method: 'POST', path: `${W}/probe/events`, body: big }, refused(413)],
    [
      'over 1 MB chunked, no length',
      { method: 'POST', path: `${W}/probe/events`, body: big, chunked: true },
      refused(413),
    ],
    [
      'no signature',
      { method: 'POST', path: `${W}/probe/events`, body: '{"marker":"probe-unsigned"}' },
      refused(401),
    ],
    [
      'wrong signature',
      {
        method: 'POST',
        path: `${W}/probe/events`,
        headers: { 'x-probe-signature': 'deadbeef' },
        body: '{"marker":"probe-wrong-sig"}',
      },
      refused(401),
    ],
    [
      'signature of another body',
      {
        method: 'POST',
        path: `${W}/probe/events`,
        headers: { 'x-probe-signature': probeSecretOk },
        body: '{"marker":"probe-other-body"}',
      },
      refused(401),
    ],
  ];
  return list.map(([name, request, expect, known]) => ({
    endpoint: 'webhooks',
    name,
    request,
    expect,
    ...(known ? { known } : {}),
    markers: /"marker":"([^"]+)"/.exec(String(request.body ?? ''))?.slice(1) ?? [],
  }));
}

/** The avatar media proxy: only exact signed URLs are served. */
export function mediaCases(ctx: CaseContext): BadCase[] {
  const M = '/_bridge/media';
  const list: Array<[string, string]> = [
    ['no signature', `${M}/localhost/abcdef`],
    ['empty signature', `${M}/localhost/abcdef?sig=`],
    ['random signature', `${M}/localhost/abcdef?sig=${'0'.repeat(32)}`],
    ['short signature', `${M}/localhost/abcdef?sig=00`],
    ['two signatures', `${M}/localhost/abcdef?sig=a&sig=b`],
    ['other server', `${M}/evil.example/abcdef?sig=${'1'.repeat(32)}`],
    ['encoded slash in server', `${M}/localhost%2F..%2F/abcdef?sig=${'2'.repeat(32)}`],
  ];
  if (ctx.mediaPath) {
    const url = new URL(ctx.mediaPath, 'http://x');
    const sig = url.searchParams.get('sig') ?? '';
    const [, , , server, mediaId] = url.pathname.split('/');
    const flip = (s: string): string => (s[0] === 'a' ? 'b' : 'a') + s.slice(1);
    list.push(
      ['valid URL, one signature character changed', `${M}/${server}/${mediaId}?sig=${flip(sig)}`],
      ['valid URL, signature in upper case', `${M}/${server}/${mediaId}?sig=${sig.toUpperCase()}`],
      ['valid signature, other media id', `${M}/${server}/${flip(mediaId ?? '')}?sig=${sig}`],
      ['valid signature, other server', `${M}/evil.example/${mediaId}?sig=${sig}`],
      ['valid signature, longer', `${M}/${server}/${mediaId}?sig=${sig}00`],
    );
  }
  return list.map(([name, path]) => ({
    endpoint: 'media proxy',
    name,
    request: { method: 'GET', path },
    expect: refused(403, 404),
    markers: [],
  }));
}

/**
 * The provisioning API (`/_bridge/admin/v1`): missing, wrong and forged tokens (each trying
 * to create a link whose channel is a marker, which must never exist), then bodies that are
 * not valid requests, sent with the real secret.
 */
export function adminCases(ctx: CaseContext): BadCase[] {
  if (!ctx.adminSecret) return [];
  const A = '/_bridge/admin/v1';
  const secret = ctx.adminSecret;
  const link = (marker: string): string =>
    JSON.stringify({ room: ctx.roomId, connector: 'probe', workspace: 'main', channel: marker });
  const forgedSession = `mpbs1.${Buffer.from(JSON.stringify({ sub: ctx.sender, exp: Date.now() + 3_600_000 })).toString('base64url')}.${'A'.repeat(43)}`;
  const auth: Array<[string, Record<string, string>]> = [
    ['no token', {}],
    ['empty bearer', { authorization: 'Bearer ' }],
    ['wrong secret', { authorization: `Bearer ${'x'.repeat(secret.length)}` }],
    [
      'secret with one character changed',
      { authorization: `Bearer ${secret.slice(0, -1)}${secret.endsWith('a') ? 'b' : 'a'}` },
    ],
    ['secret prefix', { authorization: `Bearer ${secret.slice(0, 16)}` }],
    [
      'Basic scheme',
      { authorization: `Basic ${Buffer.from(`admin:${secret}`).toString('base64')}` },
    ],
    ['the homeserver token', { authorization: `Bearer ${ctx.hsToken}` }],
    ['forged session token', { authorization: `Bearer ${forgedSession}` }],
    [
      'session token without signature',
      { authorization: `Bearer ${forgedSession.split('.').slice(0, 2).join('.')}.` },
    ],
  ];
  const cases: BadCase[] = auth.map(([name, headers], i) => {
    const marker = `forged-link-${i}-${Math.random().toString(36).slice(2, 8)}`;
    return {
      endpoint: 'provisioning API',
      name: `auth: ${name}`,
      request: {
        method: 'POST',
        path: `${A}/links`,
        headers: { 'content-type': 'application/json', ...headers },
        body: link(marker),
      },
      expect: refused(401),
      markers: [marker],
    };
  });
  const authed = { authorization: `Bearer ${secret}`, 'content-type': 'application/json' };
  const bodies: Array<[string, string, number[]]> = [
    ['empty body', '', [400]],
    ['not JSON', '{"room":', [400]],
    ['JSON array', '[]', [400]],
    [
      'wrong types',
      JSON.stringify({ room: 5, connector: [], workspace: {}, channel: null }),
      [400],
    ],
    ['unknown field', JSON.stringify({ ...JSON.parse(link('x')), admin: true }), [400]],
    [
      'room not a room id',
      JSON.stringify({ ...JSON.parse(link('x')), room: 'javascript:alert(1)' }),
      [400],
    ],
    ['10 000 nested arrays', `{"room":${'['.repeat(10_000)}${']'.repeat(10_000)}}`, [400]],
    [
      'over 64 KB',
      JSON.stringify({ ...JSON.parse(link('x')), channel: 'c'.repeat(70_000) }),
      [413],
    ],
    [
      'unknown connector',
      JSON.stringify({ ...JSON.parse(link('x')), connector: 'nope' }),
      [400, 404],
    ],
  ];
  for (const [name, body, status] of bodies) {
    cases.push({
      endpoint: 'provisioning API',
      name: `body: ${name}`,
      request: { method: 'POST', path: `${A}/links`, headers: authed, body },
      expect: refused(...status),
      markers: [],
    });
  }
  const routes: Array<[string, string, string, number[]]> = [
    ['invalid user_id', 'GET', `${A}/portals?user_id=not-a-user`, [400]],
    ['unknown route', 'GET', `${A}/nope`, [404]],
    ['wrong method', 'PUT', `${A}/portals`, [404, 405]],
    ['bad percent-encoding', 'DELETE', `${A}/links/%E0%A4%A/main/x`, [400, 404]],
    ['unlink without a token', 'DELETE', `${A}/links/probe/main/anything`, [401]],
  ];
  for (const [name, method, path, status] of routes) {
    cases.push({
      endpoint: 'provisioning API',
      name,
      request: {
        method,
        path,
        headers: name.includes('without') ? {} : { authorization: `Bearer ${secret}` },
      },
      expect: refused(...status),
      markers: [],
    });
  }
  return cases;
}

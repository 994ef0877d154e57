/**
 * The bad requests, by endpoint: hand-written ones for each known way in, and generated ones
 * (seeded, so a failure reproduces) that mutate a valid transaction. Every forged event
 * carries a marker text; none may ever be recorded by the bridge or reach a platform.
 */
import { createHmac, generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import type { RawRequest } from './http.js';
import { DEFAULT_WAIT_MS } from '../../harness/wait.js';

export type Expectation =
  /** A 4xx from this list, with a body that says what is wrong. */
  | { kind: 'refused'; status: number[] }
  /** Authenticated and well-formed enough to acknowledge, but nothing in it may be bridged. */
  | { kind: 'ignored' }
  /** Authenticated content the bridge may bridge; it must answer (below 500) and carry on. */
  | { kind: 'survived' };

export interface BadCase {
  endpoint: string;
  name: string;
  request: RawRequest;
  expect: Expectation;
  /** Markers of forged events that must never show up anywhere. */
  markers: string[];
  /**
   * A finding this case still reproduces (see docs/fault-injection.md): the case is expected
   * to miss its expectation, and the suite fails once it stops doing so.
   */
  known?: string;
  /** How long to wait for an answer (default 30 s). */
  timeoutMs?: number;
}

export interface CaseContext {
  hsToken: string;
  roomId: string;
  sender: string;
  /** A ghost of the bridge and its bot: events from them are echoes, never bridged. */
  ghost: string;
  bot: string;
  /** The provisioning API's secret, when the API is enabled for the run. */
  adminSecret?: string;
  /** A valid media proxy URL path with its query (`/_bridge/media/...?sig=...`), if known. */
  mediaPath?: string;
}

const TXN = '/_matrix/app/v1/transactions';
const refused = (...status: number[]): Expectation => ({ kind: 'refused', status });

/** Deterministic PRNG (mulberry32) so generated cases are the same on every run. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

let counter = 0;
function forged(
  ctx: CaseContext,
  extra: Record<string, unknown> = {},
): { event: Record<string, unknown>; marker: string } {
  counter++;
  const marker = `forged-${counter}-${Math.random().toString(36).slice(2, 8)}`;
  return {
    marker,
    event: {
      event_id: `$${marker}`,
      room_id: ctx.roomId,
      sender: ctx.sender,
      type: 'm.room.message',
      origin_server_ts: Date.now(),
      content: { msgtype: 'm.text', body: marker },
      ...extra,
    },
  };
}

const json = (
  token: string | undefined,
  body: string | Buffer,
  extraHeaders: Record<string, string> = {},
): RawRequest => ({
  method: 'PUT',
  path: `${TXN}/bad-${++counter}`,
  headers: {
    'content-type': 'application/json',
    ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
    ...extraHeaders,
  },
  body,
});

/** Wrong, missing or mangled homeserver tokens: 403 and nothing recorded. */
function authCases(ctx: CaseContext): BadCase[] {
  const t = ctx.hsToken;
  const flip = (s: string, i: number): string =>
    s.slice(0, i) + (s[i] === 'a' ? 'b' : 'a') + s.slice(i + 1);
  const variants: Array<[string, Record<string, string>, string]> = [
    ['no Authorization header', {}, ''],
    ['empty bearer token', { authorization: 'Bearer ' }, ''],
    ['random token', { authorization: 'Bearer not-the-hs-token' }, ''],
    ['first character changed', { authorization: `Bearer ${flip(t, 0)}` }, ''],
    ['last character changed', { authorization: `Bearer ${flip(t, t.length - 1)}` }, ''],
    ['token prefix', { authorization: `Bearer ${t.slice(0, -1)}` }, ''],
    ['token with a suffix', { authorization: `Bearer ${t}x` }, ''],
    ['token in upper case', { authorization: `Bearer ${t.toUpperCase()}` }, ''],
    [
      'Basic scheme with the token',
      { authorization: `Basic ${Buffer.from(`${t}:`).toString('base64')}` },
      '',
    ],
    ['token twice', { authorization: `Bearer ${t} ${t}` }, ''],
    ['wrong query access_token', {}, '?access_token=nope'],
    ['empty query access_token', {}, '?access_token='],
    ['wrong header, right query token', { authorization: 'Bearer nope' }, `?access_token=${t}`],
    ['as_token-like guess', { authorization: `Bearer ${t.replace(/^hs/, 'as')}` }, ''],
  ];
  const cases: BadCase[] = variants.map(([name, headers, query]) => {
    const f = forged(ctx);
    const r = json(undefined, JSON.stringify({ events: [f.event] }), headers);
    r.path += query;
    return {
      endpoint: 'transactions',
      name: `auth: ${name}`,
      request: r,
      expect: refused(403),
      markers: [f.marker],
    };
  });
  // The token is checked before the body is read (F3): nothing of it matters without one.
  const f = forged(ctx);
  const good = JSON.stringify({ events: [f.event] });
  cases.push(
    {
      endpoint: 'transactions',
      name: 'auth: wrong token, malformed body',
      request: json('wrong-token', good.slice(0, -3)),
      expect: refused(403),
      markers: [f.marker],
    },
    {
      endpoint: 'transactions',
      name: 'auth: no token, declared 50 MB',
      request: json(undefined, good, { 'content-length': String(50 * 1024 * 1024) }),
      expect: refused(403),
      markers: [f.marker],
      // The declared bytes never come: any answer shows they were not awaited. The deadline
      // only ends a hung request, so it is generous.
      timeoutMs: DEFAULT_WAIT_MS,
    },
  );
  return cases;
}

/** Authenticated, but the body is not a transaction: a 4xx that names the problem. */
function bodyCases(ctx: CaseContext): BadCase[] {
  const f = forged(ctx);
  const good = JSON.stringify({ events: [f.event] });
  const cases: Array<[string, string | Buffer, number[], Record<string, string>?]> = [
    ['empty body', '', [400]],
    ['truncated JSON', good.slice(0, good.length / 2), [400]],
    ['trailing garbage', `${good}}}`, [400]],
    ['single quotes', good.replace(/"/g, "'"), [400]],
    ['NaN literal', '{"events": NaN}', [400]],
    ['comment', `/* hi */${good}`, [400]],
    ['JSON null', 'null', [400]],
    ['JSON array', '[]', [400]],
    ['JSON string', '"events"', [400]],
    ['JSON number', '42', [400]],
    ['events is null', '{"events": null}', [400]],
    ['events is an object', '{"events": {"0": {}}}', [400]],
    ['events is a string', '{"events": "[]"}', [400]],
    ['events missing', '{"ephemeral": []}', [400]],
    ['plain text content type', good, [400], { 'content-type': 'text/plain' }],
    [
      'form content type',
      `events=${encodeURIComponent(good)}`,
      [400],
      { 'content-type': 'application/x-www-form-urlencoded' },
    ],
    [
      'unsupported charset',
      good,
      [415],
      { 'content-type': 'application/json; charset=iso-8859-1' },
    ],
    ['gzip header, not gzip', good, [400, 415], { 'content-encoding': 'gzip' }],
    ['unknown content encoding', good, [415], { 'content-encoding': 'x-bogus' }],
    [
      'invalid UTF-8 bytes',
      Buffer.concat([
        Buffer.from('{"events":[{"event_id":"'),
        Buffer.from([0xff, 0xfe, 0xc3]),
        Buffer.from('"]}'),
      ]),
      [400],
    ],
    ['over 10 MB', `{"events":[],"pad":"${'x'.repeat(10 * 1024 * 1024 + 10)}"}`, [413]],
    ['declared 50 MB', good, [413], { 'content-length': String(50 * 1024 * 1024) }],
    ['nested 100 000 arrays as the whole body', '['.repeat(100_000) + ']'.repeat(100_000), [400]],
  ];
  return cases.map(([name, body, status, headers]) => ({
    endpoint: 'transactions',
    name: `body: ${name}`,
    request: json(ctx.hsToken, body, headers),
    expect: refused(...status),
    markers: name === 'over 10 MB' || name.startsWith('nested') ? [] : [f.marker],
    // A too-large declared length is answered without those bytes, which never come (F4).
    ...(name === 'declared 50 MB' ? { timeoutMs: DEFAULT_WAIT_MS } : {}),
  }));
}

/** Authenticated envelopes whose events are malformed: acknowledged, never bridged. */
function eventShapeCases(ctx: CaseContext): BadCase[] {
  const broken: Array<[string, (e: Record<string, unknown>) => Record<string, unknown>]> = [
    ['event_id is a number', (e) => ({ ...e, event_id: 42 })],
    ['room_id missing', ({ room_id: _r, ...e }) => e],
    ['room_id is null', (e) => ({ ...e, room_id: null })],
    ['sender is an array', (e) => ({ ...e, sender: [e.sender] })],
    ['type is an object', (e) => ({ ...e, type: { t: 'm.room.message' } })],
    ['content is a string', (e) => ({ ...e, content: JSON.stringify(e.content) })],
    ['content is null', (e) => ({ ...e, content: null })],
    ['event is null', () => null as unknown as Record<string, unknown>],
    ['event is a string', () => 'event' as unknown as Record<string, unknown>],
    ['room not bridged', (e) => ({ ...e, room_id: '!not-a-portal:localhost' })],
    ['sender is one of the bridge ghosts', (e) => ({ ...e, sender: ctx.ghost })],
    ['sender is the bridge bot', (e) => ({ ...e, sender: ctx.bot })],
    ['state event type', (e) => ({ ...e, type: 'm.room.name', state_key: '' })],
  ];
  return broken.map(([name, mutate]) => {
    const f = forged(ctx);
    return {
      endpoint: 'transactions',
      name: `event: ${name}`,
      request: json(ctx.hsToken, JSON.stringify({ events: [mutate(f.event)] })),
      expect: { kind: 'ignored' as const },
      markers: [f.marker],
    };
  });
}

/**
 * Authenticated events with hostile content: wrong types inside content, huge and deeply
 * nested values, prototype keys. The bridge may bridge what makes sense; it must answer
 * below 500 and keep going.
 */
function contentCases(ctx: CaseContext): BadCase[] {
  // Built as text: JSON.stringify itself overflows the stack on such values.
  const DEEP = '"__deep__"';
  const deep = (n: number): string => '['.repeat(n) + ']'.repeat(n);
  const variants: Array<[string, Record<string, unknown>]> = [
    ['body is a number', { msgtype: 'm.text', body: 12345 }],
    ['body is an object', { msgtype: 'm.text', body: { text: 'x' } }],
    ['msgtype is a number', { msgtype: 7, body: 'x' }],
    [
      'formatted_body is an array',
      {
        msgtype: 'm.text',
        body: 'x',
        format: 'org.matrix.custom.html',
        formatted_body: ['<b>x</b>'],
      },
    ],
    ['m.relates_to is a string', { msgtype: 'm.text', body: 'x', 'm.relates_to': 'nope' }],
    [
      'reply to a missing event',
      { msgtype: 'm.text', body: 'x', 'm.relates_to': { 'm.in_reply_to': { event_id: 42 } } },
    ],
    [
      'edit with m.new_content a string',
      {
        msgtype: 'm.text',
        body: '* x',
        'm.new_content': 'x',
        'm.relates_to': { rel_type: 'm.replace', event_id: '$nope' },
      },
    ],
    ['image without url', { msgtype: 'm.image', body: 'x.png' }],
    ['image with a number url', { msgtype: 'm.image', body: 'x.png', url: 5 }],
    [
      'image with an http url',
      { msgtype: 'm.image', body: 'x.png', url: 'http://169.254.169.254/latest/meta-data' },
    ],
    [
      'image with a path-traversal mxc',
      { msgtype: 'm.image', body: 'x.png', url: 'mxc://localhost/../../admin' },
    ],
    ['unknown msgtype', { msgtype: 'm.bogus', body: 'x' }],
    ['500 000 character body', { msgtype: 'm.text', body: 'y'.repeat(500_000) }],
    [
      '200 000 character HTML',
      {
        msgtype: 'm.text',
        body: 'z',
        format: 'org.matrix.custom.html',
        formatted_body: '<b>'.repeat(50_000),
      },
    ],
    ['10 000 nested arrays in content', { msgtype: 'm.text', body: 'x', extra: '__deep__' }],
    ['NUL character in the body', { msgtype: 'm.text', body: 'nul\u0000byte' }],
    [
      '__proto__ and constructor keys',
      JSON.parse(
        '{"msgtype":"m.text","body":"x","__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}}}',
      ) as Record<string, unknown>,
    ],
  ];
  return variants.map(([name, content]) => {
    const f = forged(ctx, { content });
    return {
      endpoint: 'transactions',
      name: `content: ${name}`,
      request: json(ctx.hsToken, JSON.stringify({ events: [f.event] }).replace(DEEP, deep(10_000))),
      expect: { kind: 'survived' },
      markers: [],
    };
  });
}

/** The appservice's other routes (user/alias queries, legacy paths, everything else). */
function routeCases(ctx: CaseContext): BadCase[] {
  const t = ctx.hsToken;
  const r = (
    method: string,
    path: string,
    headers: Record<string, string> = {},
    body?: string,
  ): RawRequest => ({ method, path, headers, body });
  const list: Array<[string, RawRequest, Expectation]> = [
    ['user query without token', r('GET', '/_matrix/app/v1/users/%40x%3Alocalhost'), refused(403)],
    [
      'user query with a wrong token',
      r('GET', '/_matrix/app/v1/users/%40x%3Alocalhost', { authorization: 'Bearer nope' }),
      refused(403),
    ],
    ['alias query without token', r('GET', '/_matrix/app/v1/rooms/%23x%3Alocalhost'), refused(403)],
    [
      'legacy transactions path',
      r('PUT', '/transactions/1', { authorization: `Bearer ${t}` }, '{"events":[]}'),
      refused(308),
    ],
    ['legacy users path', r('GET', '/users/%40x%3Alocalhost'), refused(308)],
    [
      'POST to the transaction path',
      r(
        'POST',
        `${TXN}/1`,
        { authorization: `Bearer ${t}`, 'content-type': 'application/json' },
        '{"events":[]}',
      ),
      refused(404, 405),
    ],
    [
      'GET the transaction path',
      r('GET', `${TXN}/1`, { authorization: `Bearer ${t}` }),
      refused(404, 405),
    ],
    [
      'DELETE the transaction path',
      r('DELETE', `${TXN}/1`, { authorization: `Bearer ${t}` }),
      refused(404, 405),
    ],
    [
      'transaction without an id',
      r('PUT', `${TXN}/`, { authorization: `Bearer ${t}` }, '{"events":[]}'),
      refused(404),
    ],
    ['unknown path', r('GET', '/definitely/not/here'), refused(404)],
    ['path traversal', r('GET', '/../../../../etc/passwd'), refused(400, 404)],
    ['encoded traversal', r('GET', '/_matrix/app/v1/%2e%2e/%2e%2e/etc/passwd'), refused(400, 404)],
    ['TRACE method', r('TRACE', '/'), refused(400, 404, 405)],
    ['100 KB URL', r('GET', `/${'a'.repeat(100_000)}`), refused(414, 431)],
    [
      '200 headers of 1 KB',
      r(
        'GET',
        '/',
        Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`x-h${i}`, 'v'.repeat(1000)])),
      ),
      refused(431),
    ],
  ];
  return list.map(([name, request, expect]) => ({
    endpoint: 'appservice routes',
    name,
    request,
    expect,
    markers: [],
  }));
}

/** Connector webhooks: unknown connector, oversized bodies, bad signatures (probe connector). */
function webhookCases(probeSecretOk: string): BadCase[] {
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
function mediaCases(ctx: CaseContext): BadCase[] {
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
function adminCases(ctx: CaseContext): BadCase[] {
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

/** Random byte flips, truncations and insertions of a valid transaction, unauthenticated and authenticated. */
function fuzzCases(ctx: CaseContext, count: number, seed: number): BadCase[] {
  const rnd = prng(seed);
  const out: BadCase[] = [];
  const noise = '{}[]":,\\\u0000\u00ff \n0-e'.split('');
  for (let i = 0; i < count; i++) {
    const f = forged(ctx);
    let body = JSON.stringify({ events: [f.event] });
    const edits = 1 + Math.floor(rnd() * 4);
    for (let e = 0; e < edits; e++) {
      const at = Math.floor(rnd() * body.length);
      const op = rnd();
      if (op < 0.3) body = body.slice(0, at);
      else if (op < 0.6) body = body.slice(0, at) + body.slice(at + 1 + Math.floor(rnd() * 5));
      else
        body =
          body.slice(0, at) + (noise[Math.floor(rnd() * noise.length)] as string) + body.slice(at);
    }
    const authed = i % 2 === 1;
    out.push({
      endpoint: 'transactions (fuzz)',
      name: `fuzz #${i} (seed ${seed}, ${authed ? 'authenticated' : 'no token'})`,
      request: json(authed ? ctx.hsToken : 'wrong-token', body),
      // A mutation may still be valid JSON with a valid event: authenticated ones may be
      // bridged. Without a token: 403 whatever the body, which is not even read (F3).
      expect: authed ? { kind: 'survived' } : refused(403),
      markers: authed ? [] : [f.marker],
    });
  }
  return out;
}

/**
 * The Teams messaging endpoint (only when the run bridges Teams; the ghost's id names the
 * connector): activities with missing, malformed or forged Bot Framework tokens — none
 * signed by a key of the Bot Framework's JWKS — must get 401 before the body counts.
 * Tokens signed by the real (simulated) key but wrong in a claim are covered by
 * test/e2e/teams.test.ts, which has the simulator's signing key.
 */
function teamsWebhookCases(ctx: CaseContext): BadCase[] {
  const localpart = ctx.ghost.slice(1, ctx.ghost.indexOf(':'));
  if (localpart.split('_').at(-3) !== 'teams') return [];
  const path = '/_bridge/webhooks/teams/messages';
  const b64 = (v: string | Buffer | object): string =>
    Buffer.from(typeof v === 'string' || Buffer.isBuffer(v) ? v : JSON.stringify(v)).toString(
      'base64url',
    );
  const serviceUrl = 'https://smba.trafficmanager.net/amer/';
  const now = Math.floor(Date.now() / 1000);
  const claims = {
    iss: 'https://api.botframework.com',
    aud: randomUUID(),
    serviceurl: serviceUrl,
    nbf: now - 60,
    exp: now + 3600,
  };
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const rs256 = (header: object, payload: object = claims): string => {
    const input = `${b64({ typ: 'JWT', ...header })}.${b64(payload)}`;
    return `${input}.${b64(sign('sha256', Buffer.from(input), privateKey))}`;
  };
  const hs256 = (secret: string): string => {
    const input = `${b64({ typ: 'JWT', alg: 'HS256', kid: 'x' })}.${b64(claims)}`;
    return `${input}.${b64(createHmac('sha256', secret).update(input).digest())}`;
  };
  const activity = (marker: string): string =>
    JSON.stringify({
      type: 'message',
      id: String(Date.now()),
      timestamp: new Date().toISOString(),
      serviceUrl,
      channelId: 'msteams',
      from: { id: '29:forged', name: 'Mallory', aadObjectId: randomUUID() },
      recipient: { id: '28:bot', name: 'bot' },
      conversation: { id: '19:forged@thread.tacv2', conversationType: 'channel' },
      channelData: { tenant: { id: randomUUID() } },
      textFormat: 'plain',
      text: marker,
      attachments: [{ contentType: 'text/html', content: `<div><p>${marker}</p></div>` }],
    });
  const unknownKey = rs256({ alg: 'RS256', kid: 'not-a-bot-framework-key' });
  const list: Array<[string, Record<string, string>, string?, number[]?]> = [
    ['no Authorization header', {}],
    ['empty bearer token', { authorization: 'Bearer ' }],
    ['not a JWT', { authorization: 'Bearer not-a-jwt' }],
    ['Basic scheme', { authorization: `Basic ${b64('app:secret')}` }],
    ['bearer scheme in lower case', { authorization: `bearer ${unknownKey}` }],
    ['two tokens', { authorization: `Bearer ${unknownKey} ${unknownKey}` }],
    ['alg none', { authorization: `Bearer ${b64({ alg: 'none', kid: 'x' })}.${b64(claims)}.` }],
    ['HS256 with a guessed secret', { authorization: `Bearer ${hs256('secret')}` }],
    ['HS256 with an empty secret', { authorization: `Bearer ${hs256('')}` }],
    ['RS256 by an unknown key', { authorization: `Bearer ${unknownKey}` }],
    [
      'RS256 by an unknown key, jku and x5u pointing elsewhere',
      {
        authorization: `Bearer ${rs256({ alg: 'RS256', kid: 'evil', jku: 'https://evil.example/jwks', x5u: 'https://evil.example/cert' })}`,
      },
    ],
    [
      'RS256, embedded jwk of its own key',
      {
        authorization: `Bearer ${rs256({ alg: 'RS256', jwk: { kty: 'RSA', n: 'AQAB', e: 'AQAB' } })}`,
      },
    ],
    [
      'kid with path traversal',
      { authorization: `Bearer ${rs256({ alg: 'RS256', kid: '../../../../etc/passwd' })}` },
    ],
    ['signature stripped', { authorization: `Bearer ${unknownKey.replace(/[^.]+$/, '')}` }],
    [
      'expired, no nbf',
      {
        authorization: `Bearer ${rs256({ alg: 'RS256', kid: 'old' }, { ...claims, nbf: undefined, exp: now - 86400 })}`,
      },
    ],
    ['token only in the query string', {}, `?access_token=${unknownKey}`],
    [
      '20 KB token',
      {
        authorization: `Bearer ${rs256({ alg: 'RS256', kid: 'big' }, { ...claims, pad: 'x'.repeat(20_000) })}`,
      },
      '',
      [401, 431],
    ],
  ];
  const cases: BadCase[] = list.map(([name, headers, query = '', status = [401]]) => {
    const marker = `forged-teams-${++counter}-${Math.random().toString(36).slice(2, 8)}`;
    return {
      endpoint: 'teams webhook',
      name,
      request: {
        method: 'POST',
        path: path + query,
        headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
        body: activity(marker),
      },
      expect: refused(...status),
      markers: [marker],
    };
  });
  // The token decides before the body does: a broken or huge body without one is still 401.
  const marker = `forged-teams-${++counter}`;
  cases.push(
    {
      endpoint: 'teams webhook',
      name: 'forged token, malformed body',
      request: {
        method: 'POST',
        path,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${unknownKey}` },
        body: activity(marker).slice(0, 40),
      },
      expect: refused(401),
      markers: [],
    },
    {
      endpoint: 'teams webhook',
      name: 'no token, 800 KB activity',
      request: {
        method: 'POST',
        path,
        headers: { 'content-type': 'application/json' },
        body: activity(`${marker} ${'y'.repeat(400 * 1024)}`),
      },
      expect: refused(401),
      markers: [marker],
    },
    {
      endpoint: 'teams webhook',
      name: 'GET on the messaging endpoint',
      request: { method: 'GET', path },
      expect: refused(405),
      markers: [],
    },
    {
      endpoint: 'teams webhook',
      name: 'unknown path',
      request: { method: 'POST', path: '/_bridge/webhooks/teams/nope', body: '{}' },
      expect: refused(404),
      markers: [],
    },
    {
      endpoint: 'teams webhook',
      name: 'account-link callback with a forged state',
      request: {
        method: 'GET',
        path: '/_bridge/webhooks/teams/oauth/callback?state=main.forged&code=stolen',
      },
      expect: refused(400),
      markers: [],
    },
  );
  return cases;
}

export function allCases(
  ctx: CaseContext,
  probeSignatureOfOtherBody: string,
  fuzz = { count: 60, seed: 7 },
): BadCase[] {
  return [
    ...authCases(ctx),
    ...bodyCases(ctx),
    ...eventShapeCases(ctx),
    ...contentCases(ctx),
    ...routeCases(ctx),
    ...webhookCases(probeSignatureOfOtherBody),
    ...teamsWebhookCases(ctx),
    ...mediaCases(ctx),
    ...adminCases(ctx),
    ...fuzzCases(ctx, fuzz.count, fuzz.seed),
  ];
}

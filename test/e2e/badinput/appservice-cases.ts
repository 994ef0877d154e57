/** Bad requests to the appservice API: tokens, bodies, event shapes, contents, routes, fuzz. */
import type { RawRequest } from './http.js';
import { DEFAULT_WAIT_MS } from '../../harness/wait.js';
import {
  forged,
  json,
  prng,
  refused,
  TXN,
  type BadCase,
  type CaseContext,
  type Expectation,
} from './case-kit.js';

/** Wrong, missing or mangled homeserver tokens: 403 and nothing recorded. */
export function authCases(ctx: CaseContext): BadCase[] {
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
export function bodyCases(ctx: CaseContext): BadCase[] {
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
export function eventShapeCases(ctx: CaseContext): BadCase[] {
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
export function contentCases(ctx: CaseContext): BadCase[] {
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
export function routeCases(ctx: CaseContext): BadCase[] {
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

/** Random byte flips, truncations and insertions of a valid transaction, unauthenticated and authenticated. */
export function fuzzCases(ctx: CaseContext, count: number, seed: number): BadCase[] {
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

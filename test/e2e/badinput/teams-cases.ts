import { createHmac, generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import { nextCaseNumber, refused, type BadCase, type CaseContext } from './case-kit.js';

/**
 * The Teams messaging endpoint (only when the run bridges Teams; the ghost's id names the
 * connector): activities with missing, malformed or forged Bot Framework tokens — none
 * signed by a key of the Bot Framework's JWKS — must get 401 before the body counts.
 * Tokens signed by the real (simulated) key but wrong in a claim are covered by
 * test/e2e/teams.test.ts, which has the simulator's signing key.
 */
export function teamsWebhookCases(ctx: CaseContext): BadCase[] {
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
    const marker = `forged-teams-${nextCaseNumber()}-${Math.random().toString(36).slice(2, 8)}`;
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
  const marker = `forged-teams-${nextCaseNumber()}`;
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

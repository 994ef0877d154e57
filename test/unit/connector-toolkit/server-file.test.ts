/** A route on the platform's own server: what the rule admits, under a path prefix too. */
import { describe, expect, it } from 'vitest';
import { checkFileUrl, serverRouteRule } from '../../../src/connector/index.js';

const ROUTE = '/api/files/[a-z0-9]{4}';
function admits(server: string, url: string, query = false): boolean {
  try {
    checkFileUrl(url, [serverRouteRule(server, ROUTE, query)]);
    return true;
  } catch {
    return false;
  }
}

describe('serverRouteRule', () => {
  it('admits the route on the server, with credentials', () => {
    expect(admits('https://chat.example', 'https://chat.example/api/files/ab12')).toBe(true);
    expect(serverRouteRule('https://chat.example', ROUTE).credentials).toBe(true);
  });

  it('admits the route under the server URL path prefix (with or without a slash)', () => {
    expect(admits('https://e.org/chat/', 'https://e.org/chat/api/files/ab12')).toBe(true);
    expect(admits('https://e.org/chat', 'https://e.org/chat/api/files/ab12')).toBe(true);
  });

  it.each([
    ['another host', 'https://evil.example/api/files/ab12'],
    ['another port', 'https://chat.example:8443/api/files/ab12'],
    ['plain http', 'http://chat.example/api/files/ab12'],
    ['a subdomain', 'https://x.chat.example/api/files/ab12'],
    ['outside the route', 'https://chat.example/api/users/ab12'],
    ['more after the route', 'https://chat.example/api/files/ab12/../../x'],
    ['a longer id', 'https://chat.example/api/files/ab123'],
    ['a path before the route', 'https://chat.example/x/api/files/ab12'],
    ['a query when none is allowed', 'https://chat.example/api/files/ab12?a=1'],
    ['credentials in the URL', 'https://u:p@chat.example/api/files/ab12'],
  ])('refuses %s', (_name, url) => {
    expect(admits('https://chat.example', url)).toBe(false);
  });

  it('takes the path prefix literally, not as a pattern', () => {
    expect(admits('https://e.org/a.b+', 'https://e.org/a.b+/api/files/ab12')).toBe(true);
    expect(admits('https://e.org/a.b+', 'https://e.org/aXbbb/api/files/ab12')).toBe(false);
    expect(admits('https://e.org/(x)', 'https://e.org/x/api/files/ab12')).toBe(false);
  });

  it('admits a query only when asked to', () => {
    expect(admits('https://chat.example', 'https://chat.example/api/files/ab12?_=1', true)).toBe(
      true,
    );
  });
});

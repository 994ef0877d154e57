import { describe, expect, it } from 'vitest';
import {
  checkFileUrl,
  FileRefusedError,
  MAX_FILE_URL_LENGTH,
  type FileUrlRule,
} from '../../src/connector/index.js';

const RULES: FileUrlRule[] = [
  { origin: 'https://files.example.com', path: /^\/files\/F[A-Z0-9]+\/[^/]+$/, credentials: true },
  {
    origin: 'https://*.sharepoint.example',
    path: /^\/_layouts\/15\/download\.aspx$/,
    query: true,
    credentials: false,
  },
];

const GOOD = 'https://files.example.com/files/F123/report.pdf';

/** Every way a sender could try to point a download somewhere else. */
const HOSTILE: Array<[string, string]> = [
  ['other host', 'https://evil.example/files/F123/report.pdf'],
  ['look-alike host (suffix)', 'https://files.example.com.evil.example/files/F123/a.pdf'],
  ['look-alike host (prefix)', 'https://evilfiles.example.com/files/F123/a.pdf'],
  ['look-alike host (sub-domain)', 'https://x.files.example.com/files/F123/a.pdf'],
  ['look-alike host (hyphen)', 'https://files-example.com/files/F123/a.pdf'],
  ['trailing dot host', 'https://files.example.com./files/F123/a.pdf'],
  ['IDN look-alike (unicode)', 'https://fіles.example.com/files/F123/a.pdf'],
  ['IDN look-alike (punycode)', 'https://xn--fles-xqd.example.com/files/F123/a.pdf'],
  ['userinfo before good host', 'https://evil@files.example.com/files/F123/a.pdf'],
  ['good host as userinfo', 'https://files.example.com@evil.example/files/F123/a.pdf'],
  ['user and password', 'https://u:p@files.example.com/files/F123/a.pdf'],
  ['encoded @ in authority', 'https://files.example.com%40evil.example/files/F123/a.pdf'],
  ['http downgrade', 'http://files.example.com/files/F123/a.pdf'],
  ['other scheme', 'ftp://files.example.com/files/F123/a.pdf'],
  ['file scheme', 'file:///etc/passwd'],
  ['javascript scheme', 'javascript:alert(1)'],
  ['data URL', 'data:text/plain,hello'],
  ['other port', 'https://files.example.com:8443/files/F123/a.pdf'],
  ['port 80 on https', 'https://files.example.com:80/files/F123/a.pdf'],
  ['loopback', 'https://127.0.0.1/files/F123/a.pdf'],
  ['loopback as integer', 'https://2130706433/files/F123/a.pdf'],
  ['IPv6 loopback', 'https://[::1]/files/F123/a.pdf'],
  ['metadata address', 'http://169.254.169.254/latest/meta-data/'],
  ['dot-dot segment', 'https://files.example.com/files/F123/../../api/secret'],
  ['dot segment', 'https://files.example.com/files/./F123/a.pdf'],
  ['encoded dot-dot', 'https://files.example.com/files/F123/%2e%2e/%2e%2e/api'],
  ['upper-case encoded dot-dot', 'https://files.example.com/files/F123/%2E%2E/x'],
  ['encoded slash', 'https://files.example.com/files/F123/..%2f..%2fapi'],
  ['encoded slash in file name', 'https://files.example.com/files/F123/a%2Fb'],
  ['double-encoded dot-dot', 'https://files.example.com/files/F123/%252e%252e/x'],
  ['double-encoded slash', 'https://files.example.com/files/F123/a%252fb'],
  ['encoded backslash', 'https://files.example.com/files/F123/..%5c..%5capi'],
  ['encoded NUL', 'https://files.example.com/files/F123/a.pdf%00.png'],
  ['backslash path', 'https://files.example.com\\files\\F123\\a.pdf'],
  ['backslash authority trick', 'https://evil.example\\@files.example.com/files/F123/a.pdf'],
  ['single slash scheme', 'https:/evil.example/files/F123/a.pdf'],
  ['scheme-relative', '//evil.example/files/F123/a.pdf'],
  ['relative path', '/files/F123/a.pdf'],
  ['other path on good host', 'https://files.example.com/api/users.list'],
  ['file id with slash', 'https://files.example.com/files/F1/F2/a.pdf'],
  ['lower-case id', 'https://files.example.com/files/f123/a.pdf'],
  ['query on a no-query rule', 'https://files.example.com/files/F123/a.pdf?redirect=evil'],
  ['fragment', 'https://files.example.com/files/F123/a.pdf#x'],
  ['whitespace', 'https://files.example.com/files/F123/a b.pdf'],
  ['tab in host', 'https://files.exam\tple.com/files/F123/a.pdf'],
  ['newline', 'https://files.example.com/files/F123/a.pdf\n'],
  ['leading space', ' https://files.example.com/files/F123/a.pdf'],
  ['very long URL', `https://files.example.com/files/F123/${'a'.repeat(MAX_FILE_URL_LENGTH)}`],
  ['empty', ''],
  ['wildcard: two labels', 'https://a.b.sharepoint.example/_layouts/15/download.aspx?x=1'],
  ['wildcard: bare suffix', 'https://sharepoint.example/_layouts/15/download.aspx?x=1'],
  ['wildcard: look-alike', 'https://a.sharepoint.example.evil/_layouts/15/download.aspx'],
  ['wildcard: http', 'http://a.sharepoint.example/_layouts/15/download.aspx?x=1'],
  ['wildcard: other path', 'https://a.sharepoint.example/sites/x/secret.docx'],
];

describe('checkFileUrl refuses every hostile variant', () => {
  it.each(HOSTILE)('%s', (_name, url) => {
    expect(() => checkFileUrl(url, RULES)).toThrow(FileRefusedError);
  });

  it.each([[undefined], [null], [42], [{ href: GOOD }]])('non-string %j', (value) => {
    expect(() => checkFileUrl(value, RULES)).toThrow(FileRefusedError);
  });

  it('names only scheme and host in the reason, never the path or query', () => {
    const err = (() => {
      try {
        checkFileUrl('https://evil.example/files/F1/a.pdf?token=secret', RULES);
      } catch (e) {
        return e as FileRefusedError;
      }
    })();
    expect(err?.code).toBe('FILE_REFUSED');
    expect(err?.message).toContain('https://evil.example');
    expect(err?.message).not.toContain('secret');
    expect(err?.message).not.toContain('/files/');
  });
});

describe('checkFileUrl admits the platform endpoint', () => {
  it.each([
    [GOOD, true],
    ['https://FILES.Example.com/files/F123/report.pdf', true],
    ['https://files.example.com:443/files/F123/report%20v2.pdf', true],
    ['https://contoso.sharepoint.example/_layouts/15/download.aspx?UniqueId=1&tempauth=x', false],
    ['https://contoso-my.sharepoint.example/_layouts/15/download.aspx?tempauth=x', false],
  ] as const)('%s', (url, credentials) => {
    expect(checkFileUrl(url, RULES).rule.credentials).toBe(credentials);
  });
});

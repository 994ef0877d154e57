import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { AdminError } from '../errors.js';
import { sendJson, sendText } from './respond.js';
import type { ExtraRoute } from './server.js';

export const CONSOLE_PREFIX = '/_bridge/console';

const SCRIPT = 'text/javascript; charset=utf-8';

/** Every file the console is made of; index.html loads console.js, which imports the rest. */
export const CONSOLE_FILES: Record<string, string> = {
  'index.html': 'text/html; charset=utf-8',
  'console.css': 'text/css; charset=utf-8',
  'console.js': SCRIPT,
  'api.js': SCRIPT,
  'errors.js': SCRIPT,
  'format.js': SCRIPT,
  'traffic.js': SCRIPT,
  'views.js': SCRIPT,
  'audit.js': SCRIPT,
  'link.js': SCRIPT,
  'platforms.js': SCRIPT,
};

/**
 * The console's files live in src/admin/console (plain HTML/CSS/JS, no build step). From the
 * compiled program (dist/src/admin/http) that folder is found back in the source tree.
 */
function consoleDir(): string {
  const candidates = [
    new URL('../console/', import.meta.url),
    new URL('../../../../src/admin/console/', import.meta.url),
  ];
  for (const url of candidates) {
    const dir = fileURLToPath(url);
    if (existsSync(`${dir}index.html`)) return dir;
  }
  throw new Error(
    `console files not found (looked in ${candidates.map((u) => u.pathname).join(', ')})`,
  );
}

export interface ConsoleSettings {
  /** The homeserver's client URL as the browser reaches it (Matrix sign-in). */
  homeserverUrl: string;
  openid: boolean;
  secret: boolean;
}

/** Serves the console with a strict Content-Security-Policy; files are read once. */
export function consoleRoute(settings: ConsoleSettings): ExtraRoute {
  const dir = consoleDir();
  const files = new Map(
    Object.entries(CONSOLE_FILES).map(([name, type]) => [
      name,
      { type, body: readFileSync(`${dir}${name}`, 'utf8') },
    ]),
  );
  const hsOrigin = new URL(settings.homeserverUrl).origin;
  const csp = [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    `connect-src 'self' ${hsOrigin}`,
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
  const settingsJson = {
    homeserver_url: settings.homeserverUrl,
    openid: settings.openid,
    secret: settings.secret,
  };
  return {
    matches: (path) => path === CONSOLE_PREFIX || path.startsWith(`${CONSOLE_PREFIX}/`),
    handle: async (req, res, path) => {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        throw new AdminError('METHOD_NOT_ALLOWED', 'the console only answers GET');
      }
      if (path === CONSOLE_PREFIX) {
        res.writeHead(308, { location: `${CONSOLE_PREFIX}/` });
        res.end();
        return;
      }
      const name = path.slice(CONSOLE_PREFIX.length + 1) || 'index.html';
      if (name === 'settings.json') {
        sendJson(res, 200, settingsJson, { 'content-security-policy': csp });
        return;
      }
      const file = files.get(name);
      if (!file) throw new AdminError('NOT_FOUND', `no console file ${name}`);
      sendText(res, 200, file.body, file.type, { 'content-security-policy': csp });
    },
  };
}

/**
 * The error registry and docs/errors.md say the same: every registered code (core and each
 * connector's) has a row there, and every code a row there names is registered.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { definition as mattermost } from '../../connectors/mattermost/index.js';
import { definition as rocketchat } from '../../connectors/rocketchat/index.js';
import { definition as slack } from '../../connectors/slack/index.js';
import { definition as teams } from '../../connectors/teams/index.js';
import { ADMIN_ERRORS } from '../../src/admin/errors.js';
import { CORE_ERROR_CODES, type ErrorCodeTable } from '../../src/util/error-codes.js';
import {
  errorCodeInfo,
  errorLogLevel,
  isErrorCode,
  registerErrorCodes,
} from '../../src/util/error-registry.js';
import { BridgeError } from '../../src/util/errors.js';

const DOCS = readFileSync(fileURLToPath(new URL('../../docs/errors.md', import.meta.url)), 'utf8');

const CONNECTOR_TABLES: Array<[string, ErrorCodeTable]> = [mattermost, rocketchat, slack, teams]
  .filter((d) => d.errorCodes !== undefined)
  .map((d) => [d.id, d.errorCodes!]);

const ALL_CODES = new Map<string, string>([
  ...Object.keys(CORE_ERROR_CODES).map((c): [string, string] => [c, 'core']),
  ...CONNECTOR_TABLES.flatMap(([id, table]) =>
    Object.keys(table).map((c): [string, string] => [c, id]),
  ),
]);

/** Codes named in the first cell of a table row, e.g. `| \`A\`, \`B\` | … |`. */
function documentedCodes(markdown: string): Set<string> {
  const codes = new Set<string>();
  for (const line of markdown.split('\n')) {
    const first = /^\|([^|]*)\|/.exec(line)?.[1] ?? '';
    for (const m of first.matchAll(/`([A-Z][A-Z0-9_]+)`/g)) codes.add(m[1]!);
  }
  return codes;
}

describe('error registry', () => {
  it('has the codes of the core and of every connector that declares some', () => {
    expect(Object.keys(CORE_ERROR_CODES).length).toBeGreaterThan(40);
    expect(CONNECTOR_TABLES.map(([id]) => id).sort()).toEqual(['rocketchat', 'slack', 'teams']);
  });

  it('every registered code has a row in docs/errors.md', () => {
    const documented = documentedCodes(DOCS);
    const missing = [...ALL_CODES].filter(([code]) => !documented.has(code));
    expect(missing).toEqual([]);
  });

  it('every code docs/errors.md names in a row is registered', () => {
    const unknown = [...documentedCodes(DOCS)].filter((code) => !ALL_CODES.has(code));
    expect(unknown).toEqual([]);
  });

  it('no code belongs to two tables', () => {
    const seen = new Map<string, string>();
    for (const [id, table] of [['core', CORE_ERROR_CODES], ...CONNECTOR_TABLES] as const) {
      for (const code of Object.keys(table)) {
        expect(seen.get(code), `${code} in ${id}`).toBeUndefined();
        seen.set(code, id);
      }
    }
  });

  it('every entry has an HTTP status, a log level and an action that says what to do', () => {
    for (const [, table] of [['core', CORE_ERROR_CODES], ...CONNECTOR_TABLES] as const) {
      for (const [code, info] of Object.entries(table)) {
        expect(info.httpStatus, code).toBeGreaterThanOrEqual(400);
        expect(info.httpStatus, code).toBeLessThan(600);
        expect(['debug', 'info', 'warn', 'error'], code).toContain(info.logLevel);
        expect(info.action, code).toMatch(/^[A-Z].{5,}\.$/);
      }
    }
  });

  it('administration answers with the registry’s status and errcode', () => {
    for (const [code, { status, errcode }] of Object.entries(ADMIN_ERRORS)) {
      const info = errorCodeInfo(code);
      expect(info?.httpStatus, code).toBe(status);
      expect(info?.errcode, code).toBe(errcode);
    }
    expect(ADMIN_ERRORS.INTERNAL).toEqual({ status: 500, errcode: 'M_UNKNOWN' });
    expect(ADMIN_ERRORS.RATE_LIMITED).toEqual({ status: 429, errcode: 'M_LIMIT_EXCEEDED' });
    expect('CONFIG_INVALID' in ADMIN_ERRORS).toBe(false);
  });

  it('knows a connector’s codes once its definition is registered, and refuses a clash', () => {
    registerErrorCodes(slack.errorCodes!);
    expect(isErrorCode('SLACK_AUTH')).toBe(true);
    expect(isErrorCode('NO_SUCH_CODE')).toBe(false);
    expect(() => registerErrorCodes(slack.errorCodes!)).not.toThrow();
    expect(() =>
      registerErrorCodes({ SLACK_AUTH: { httpStatus: 400, logLevel: 'debug', action: 'X.' } }),
    ).toThrow(/SLACK_AUTH/);
  });

  it('gives the log level of an error by its code, error for anything unexpected', () => {
    expect(errorLogLevel(new BridgeError('BAD_MXC', 'x'))).toBe('debug');
    expect(errorLogLevel(new BridgeError('INTERNAL', 'x'))).toBe('error');
    expect(errorLogLevel(new BridgeError('ROOM_ENCRYPTED', 'x'))).toBe('warn');
    expect(errorLogLevel(new Error('boom'))).toBe('error');
    expect(errorLogLevel(undefined)).toBe('error');
    expect(errorLogLevel({ code: 'NOT_REGISTERED' })).toBe('error');
  });

  it('a code not in the registry does not compile', () => {
    // @ts-expect-error NOT_A_CODE is in no table
    const err = new BridgeError('NOT_A_CODE', 'x');
    expect(err.code).toBe('NOT_A_CODE');
  });
});

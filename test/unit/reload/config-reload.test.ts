/**
 * SIGHUP reloads: which changes a reload applies, how permission changes are described for
 * the audit log, and how the signal handler treats a good file, a bad file and a signal that
 * arrives during start-up.
 */
import { EventEmitter } from 'node:events';
import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { permissionChanges } from '../../../src/admin/permission-changes.js';
import { Permissions } from '../../../src/admin/permissions.js';
import { restartOnlyChanges, type ReloadSummary } from '../../../src/app/config-reload.js';
import { reloadOnSignal } from '../../../src/cli/reload-signal.js';
import type { BridgeConfig } from '../../../src/config/index.js';
import { BridgeError } from '../../../src/util/errors.js';
import { waitFor } from '../../harness/wait.js';

function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { log: pino({ level: 'info' }, sink), lines };
}

const base = {
  homeserver: { url: 'http://hs', domain: 'agency.example' },
  appservice: { port: 9000, bind_address: '127.0.0.1', as_token: 'secret-as-token' },
  connectors: { acme: { token: 'secret-1' } },
  portals: [],
  permissions: { '*': 'user' },
} as unknown as BridgeConfig;

const withPatch = (patch: Record<string, unknown>): BridgeConfig =>
  ({ ...base, ...patch }) as unknown as BridgeConfig;

describe('restartOnlyChanges', () => {
  it('ignores portals and permissions: a reload applies them', () => {
    const next = withPatch({
      portals: [{ room: '!r:x', links: [] }],
      permissions: { '*': 'none', '@a:x': 'admin' },
    });
    expect(restartOnlyChanges(base, next)).toEqual([]);
  });

  it('names every other changed key, two levels deep, and never a value', () => {
    const next = withPatch({
      appservice: { ...base.appservice, port: 9001, as_token: 'secret-changed' },
      connectors: { acme: { token: 'secret-2' }, other: {} },
      database: { url: 'postgres://secret@db' },
    });
    const changed = restartOnlyChanges(base, next);
    expect(changed).toEqual([
      'appservice.as_token',
      'appservice.port',
      'connectors.acme',
      'connectors.other',
      'database',
    ]);
    expect(JSON.stringify(changed)).not.toContain('secret');
  });

  it('does not mistake a reordered file for a change', () => {
    const reordered = withPatch({
      appservice: { as_token: 'secret-as-token', bind_address: '127.0.0.1', port: 9000 },
    });
    expect(restartOnlyChanges(base, reordered)).toEqual([]);
  });
});

describe('permissionChanges', () => {
  it.each([
    [{}, {}, []],
    [{ '*': 'user' }, { '*': 'user' }, []],
    [{}, { '@ops:a.se': 'admin' }, ['+@ops:a.se admin']],
    [{ 'b.se': 'linker' }, {}, ['-b.se']],
    [{ '*': 'user' }, { '*': 'none' }, ['* user→none']],
    [
      { 'a.se': 'linker', '@x:a.se': 'none' },
      { 'a.se': 'admin', 'c.se': 'user' },
      ['-@x:a.se', 'a.se linker→admin', '+c.se user'],
    ],
  ] as const)('%j → %j', (before, after, expected) => {
    expect(permissionChanges(before, after)).toEqual(expected);
  });

  it('applies a replaced block to later checks', () => {
    const p = new Permissions({ 'a.se': 'linker' });
    expect(p.allows('@x:a.se', 'link')).toBe(true);
    p.replace({ 'a.se': 'user', '@boss:a.se': 'admin' });
    expect(p.allows('@x:a.se', 'link')).toBe(false);
    expect(p.levelOf('@boss:a.se')).toBe('admin');
  });
});

describe('reloadOnSignal', () => {
  const summary: ReloadSummary = {
    permissions: ['* user→none'],
    portals: { created: 1, removed: 0 },
    needRestart: ['appservice.port'],
  };

  function setUp(opts: {
    load?: () => Promise<{ config: BridgeConfig }>;
    started?: Promise<void>;
  }) {
    const signals = new EventEmitter();
    const { log, lines } = capture();
    const applied: BridgeConfig[] = [];
    reloadOnSignal({
      signals,
      configPath: '/etc/bridge/config.yaml',
      started: opts.started ?? Promise.resolve(),
      bridge: {
        reload: (next) => {
          applied.push(next);
          return Promise.resolve(summary);
        },
      },
      log,
      load: opts.load ?? (() => Promise.resolve({ config: base })),
    });
    return { signals, lines, applied };
  }

  it('applies the re-read file and names what waits for a restart', async () => {
    const { signals, lines, applied } = setUp({});
    signals.emit('SIGHUP');
    await waitFor(() => lines.find((l) => l.msg === 'config reloaded'), { what: 'the reload' });
    expect(applied).toEqual([base]);
    const warn = lines.find((l) => l.level === 40);
    expect(warn).toMatchObject({ keys: ['appservice.port'] });
  });

  it('refuses a bad file as a whole, at error, and keeps running', async () => {
    const bad = new BridgeError('CONFIG_INVALID', 'config.yaml line 3: permissions./x: bad');
    const { signals, lines, applied } = setUp({ load: () => Promise.reject(bad) });
    signals.emit('SIGHUP');
    const error = await waitFor(() => lines.find((l) => l.level === 50), { what: 'the error' });
    expect(error).toMatchObject({
      code: 'CONFIG_INVALID',
      err: expect.stringContaining('line 3') as unknown,
      msg: expect.stringContaining('keeps running with the config it had') as unknown,
    });
    expect(applied).toEqual([]);
  });

  it('holds a signal that arrives during start-up until start-up is done', async () => {
    let finishStart!: () => void;
    const started = new Promise<void>((resolve) => (finishStart = resolve));
    const { signals, lines, applied } = setUp({ started });
    signals.emit('SIGHUP');
    // The reload cannot have begun: it waits on `started`, which nothing has settled yet.
    await Promise.resolve();
    expect(applied).toEqual([]);
    finishStart();
    await waitFor(() => lines.find((l) => l.msg === 'config reloaded'), { what: 'the reload' });
    expect(applied).toHaveLength(1);
  });
});

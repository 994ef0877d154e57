import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/store/index.js';

describe('embedded database (PGlite) on disk', () => {
  const root = mkdtempSync(join(tmpdir(), 'pglite-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('creates a new folder in a child process, keeps data across reopen, small buffers', async () => {
    const dataDir = join(root, 'db');
    const first = await openDatabase({ dataDir });
    expect(existsSync(join(dataDir, 'PG_VERSION'))).toBe(true);
    await first('connector_kv').insert({ connector: 'test', key: 'k', value: 'kept' });
    const buffers = await first.raw('show shared_buffers');
    expect((buffers as { rows: Array<{ shared_buffers: string }> }).rows[0]?.shared_buffers).toBe(
      '16MB',
    );
    await first.destroy();
    const again = await openDatabase({ dataDir });
    expect(
      await again('connector_kv').where({ connector: 'test', key: 'k' }).first(),
    ).toMatchObject({
      value: 'kept',
    });
    await again.destroy();
  });

  it('says what to do when the folder cannot be made a database', async () => {
    const blocked = join(root, 'file');
    writeFileSync(blocked, 'not a folder');
    await expect(openDatabase({ dataDir: join(blocked, 'db') })).rejects.toThrow(/ENOTDIR/);
    // A folder with something else in it: initdb refuses, the error names the setting.
    const occupied = join(root, 'occupied');
    mkdirSync(join(occupied, 'base'), { recursive: true });
    writeFileSync(join(occupied, 'base', 'junk'), 'x');
    writeFileSync(join(occupied, 'global'), 'x');
    await expect(openDatabase({ dataDir: occupied })).rejects.toMatchObject({
      code: 'DATABASE_INIT_FAILED',
      message: expect.stringContaining('database.data_dir'),
    });
  });
});

/** The INSTREAM client against a real clamd that the test starts with its own EICAR database. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClamdClient } from '../../../src/media/clamd-client.js';
import { ScannerError } from '../../../src/media/scanner-errors.js';
import { EICAR, TYPED_FILES } from '../../fixtures/files.js';
import { startClamd, type RunningClamd } from '../../harness/clamd.js';

let clamd: RunningClamd;
let client: ClamdClient;

// clamd may take up to startClamd's own deadline (120 s) on a loaded machine.
beforeAll(async () => {
  clamd = await startClamd({ streamMaxLength: '1M' });
  client = new ClamdClient({ host: clamd.host, port: clamd.port }, { timeoutMs: 60_000 });
}, 150_000);
afterAll(() => clamd?.stop());

describe('ClamdClient against a real clamd', () => {
  it('finds the EICAR test file', async () => {
    const result = await client.scan(EICAR);
    expect(result.infected).toBe(true);
    expect(result.infected && result.signature).toMatch(/^Eicar-Test-Signature/);
  });

  it('finds EICAR however it is chunked', async () => {
    const tiny = new ClamdClient(
      { host: clamd.host, port: clamd.port },
      { timeoutMs: 60_000, chunkSize: 7 },
    );
    expect((await tiny.scan(EICAR)).infected).toBe(true);
  });

  it.each(TYPED_FILES.map((f) => [f.name, f.bytes] as const))(
    'passes a clean %s',
    async (_n, bytes) => {
      expect(await client.scan(bytes)).toEqual({ infected: false });
    },
  );

  it('passes EICAR with one byte changed (the signature is exact)', async () => {
    const changed = Buffer.from(EICAR);
    changed[0] = 0x59;
    expect(await client.scan(changed)).toEqual({ infected: false });
  });

  it("says so when a file is longer than clamd's StreamMaxLength", async () => {
    const err = await client.scan(Buffer.alloc(3 * 1024 * 1024, 0x41)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ScannerError);
    // clamd answers `INSTREAM size limit exceeded` and closes; the close can reset the
    // connection before the answer is read.
    expect(['size_limit', 'reset']).toContain((err as ScannerError).failure);
    expect((err as ScannerError).scannerAnswered).toBe(true);
  });

  it('answers PING', async () => {
    expect(await client.ping()).toBe(true);
  });
});

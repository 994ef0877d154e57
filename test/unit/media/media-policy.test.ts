import pino from 'pino';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { ScanResult } from '../../../src/media/clamd-client.js';
import { MediaPolicy, type VirusScanner } from '../../../src/media/media-policy.js';
import type { Crossing, MediaSettings } from '../../../src/media/media-rules.js';
import { ScannerError } from '../../../src/media/scanner-errors.js';
import { silentLogger } from '../../../src/util/logger.js';
import { EICAR, ELF, TYPED_FILES } from '../../fixtures/files.js';

const PNG = TYPED_FILES.find((f) => f.type === 'image/png')?.bytes ?? Buffer.alloc(0);
const PDF = TYPED_FILES.find((f) => f.type === 'application/pdf')?.bytes ?? Buffer.alloc(0);
const TEXT = Buffer.from('meeting notes\n');

const toSlack: Crossing = { direction: 'to_platform', connectors: ['slack'] };
const fromSlack: Crossing = { direction: 'to_matrix', connectors: ['slack'] };
const slackToTeams: Crossing = { direction: 'between_platforms', connectors: ['slack', 'teams'] };

function settings(extra: Partial<MediaSettings> = {}): MediaSettings {
  return { max_file_size: 1000, allowed_types: ['*'], connectors: {}, ...extra };
}

/** A scanner that answers with `result` (or throws it), counting its calls. */
function fakeScanner(result: ScanResult | ScannerError): VirusScanner & { calls: number } {
  return {
    calls: 0,
    scan(): Promise<ScanResult> {
      this.calls += 1;
      return result instanceof ScannerError ? Promise.reject(result) : Promise.resolve(result);
    },
    ping: () => Promise.resolve(!(result instanceof ScannerError)),
    describe: () => 'fake',
  };
}

describe('MediaPolicy: which layer decides', () => {
  const layered = settings({
    allowed_types: ['image/*', 'application/pdf'],
    to_matrix: { allowed_types: ['image/png'] },
    connectors: {
      slack: { max_file_size: 500, to_platform: { allowed_types: ['text/plain'] } },
      teams: { between_platforms: { allowed_types: ['application/pdf'] } },
    },
  });
  const policy = new MediaPolicy(layered, silentLogger());

  it.each([
    ['a PNG to Slack: only text/plain for files to Slack', PNG, toSlack, 'type_not_allowed'],
    ['text to Slack', TEXT, toSlack, undefined],
    ['a PNG from Slack: to_matrix allows PNG', PNG, fromSlack, undefined],
    ['a PDF from Slack: to_matrix allows PNG only', PDF, fromSlack, 'type_not_allowed'],
    ['a PDF from Slack to Teams: both allow it', PDF, slackToTeams, undefined],
    ['a PNG from Slack to Teams: Teams allows PDF only', PNG, slackToTeams, 'type_not_allowed'],
    ['an ELF anywhere: no layer allows it', ELF, fromSlack, 'type_not_allowed'],
    [
      'a PDF to Mattermost: top-level list',
      PDF,
      { direction: 'to_platform', connectors: ['mattermost'] },
      undefined,
    ],
  ] as const)('%s', async (_what, bytes, crossing, reason) => {
    const refusal = await policy.judge(policy.inspect(bytes), crossing);
    expect(refusal?.reason).toBe(reason);
  });

  it('takes the smallest size limit of the platforms involved', () => {
    expect(policy.limitFor(toSlack)).toBe(500);
    expect(policy.limitFor(slackToTeams)).toBe(500);
    expect(policy.limitFor({ direction: 'to_platform', connectors: ['teams'] })).toBe(1000);
    expect(policy.largestLimit()).toBe(1000);
  });

  it('refuses a file over the limit with the limit named', async () => {
    const refusal = await policy.judge(policy.inspect(Buffer.alloc(501, 0x61)), toSlack);
    expect(refusal).toMatchObject({ reason: 'too_large', size: 501, limit: 500 });
  });
});

describe('MediaPolicy: the virus scan', () => {
  it('refuses an infected file and names the signature', async () => {
    const policy = new MediaPolicy(
      settings(),
      silentLogger(),
      fakeScanner({ infected: true, signature: 'Eicar' }),
    );
    expect(await policy.judge(policy.inspect(EICAR), toSlack)).toMatchObject({
      reason: 'infected',
      signature: 'Eicar',
    });
  });

  it('scans a file once however many sides it goes to', async () => {
    const scanner = fakeScanner({ infected: false });
    const policy = new MediaPolicy(settings(), silentLogger(), scanner);
    const file = policy.inspect(TEXT);
    for (const c of [toSlack, fromSlack, slackToTeams])
      expect(await policy.judge(file, c)).toBeUndefined();
    expect(scanner.calls).toBe(1);
  });

  it('does not scan a file the type rules already refuse', async () => {
    const scanner = fakeScanner({ infected: false });
    const policy = new MediaPolicy(
      settings({ allowed_types: ['text/plain'] }),
      silentLogger(),
      scanner,
    );
    await policy.judge(policy.inspect(ELF), toSlack);
    expect(scanner.calls).toBe(0);
  });

  it.each(['unreachable', 'timeout', 'protocol', 'size_limit', 'reset'] as const)(
    'a scanner failure (%s) refuses with fail_closed, delivers with fail_open, logs at error both ways',
    async (failure) => {
      for (const mode of ['fail_closed', 'fail_open'] as const) {
        const lines: Array<{ level: number; msg: string }> = [];
        const sink = new Writable({
          write(chunk: Buffer, _e, done) {
            lines.push(JSON.parse(chunk.toString()) as { level: number; msg: string });
            done();
          },
        });
        const states: boolean[] = [];
        const scanner = fakeScanner(new ScannerError(failure, 'test'));
        const policy = new MediaPolicy(
          settings({ scanner: { clamd: { host: 'h', port: 1 }, timeout_s: 1, on_failure: mode } }),
          pino(sink),
          scanner,
          (up) => states.push(up),
        );
        const refusal = await policy.judge(policy.inspect(TEXT), toSlack);
        if (mode === 'fail_closed')
          expect(refusal).toMatchObject({ reason: 'scanner_unavailable', failure });
        else expect(refusal).toBeUndefined();
        const errors = lines.filter((l) => l.level === 50);
        expect(errors, mode).toHaveLength(1);
        expect(JSON.stringify(errors)).not.toContain('meeting notes');
        // A scanner that answered (but gave no verdict on this file) is still up.
        expect(states).toEqual([failure === 'size_limit' || failure === 'reset']);
      }
    },
  );

  it('reports the scanner up after a verdict and down when a health check fails', async () => {
    const states: boolean[] = [];
    const up = new MediaPolicy(settings(), silentLogger(), fakeScanner({ infected: false }), (s) =>
      states.push(s),
    );
    await up.judge(up.inspect(TEXT), toSlack);
    const down = new MediaPolicy(
      settings(),
      silentLogger(),
      fakeScanner(new ScannerError('unreachable', 'x')),
      (s) => states.push(s),
    );
    expect(await down.checkScanner()).toBe(false);
    expect(states).toEqual([true, false]);
  });

  it('logs a scanner that stops answering once, and once more when it is back', async () => {
    const levels: number[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _e, done) {
        levels.push((JSON.parse(chunk.toString()) as { level: number }).level);
        done();
      },
    });
    let answering = false;
    const scanner = { ...fakeScanner({ infected: false }), ping: () => Promise.resolve(answering) };
    const policy = new MediaPolicy(settings(), pino(sink), scanner);
    for (const state of [false, false, false, true, true]) {
      answering = state;
      await policy.checkScanner();
    }
    expect(levels).toEqual([50, 30]);
  });
});

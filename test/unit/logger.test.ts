/**
 * Log lines: JSON with the release for machines, one readable line for a person at a
 * terminal, secrets redacted in both.
 */
import { Writable } from 'node:stream';
import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createLogger, type LoggerOptions } from '../../src/util/logger.js';
import { bridgeVersion } from '../../src/util/package-version.js';

function sink(isTTY: boolean): Writable & { isTTY: boolean; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk.toString());
      done();
    },
  }) as Writable & { isTTY: boolean; text: () => string };
  stream.isTTY = isTTY;
  stream.text = () => chunks.join('');
  return stream;
}

function logOnce(isTTY: boolean, format?: LoggerOptions['format']): string {
  const stream = sink(isTTY);
  const log = createLogger('info', { stream, format });
  log.info({ roomId: '!r:x', workspace: { token: 'xoxb-secret' } }, 'room linked');
  return stream.text();
}

describe('createLogger', () => {
  it('writes JSON lines naming the release when the output is not a terminal', () => {
    const line = JSON.parse(logOnce(false)) as Record<string, unknown>;
    expect(line).toMatchObject({
      msg: 'room linked',
      roomId: '!r:x',
      version: bridgeVersion(),
      workspace: { token: '[redacted]' },
    });
    expect(bridgeVersion()).not.toBe('unknown');
  });

  it.each([
    [true, 'auto'],
    [false, 'pretty'],
  ] as const)('writes one readable line on a terminal (tty %s, format %s)', (tty, format) => {
    const text = stripVTControlCharacters(logOnce(tty, format));
    expect(text.trim().split('\n')).toHaveLength(1);
    expect(text).toMatch(/^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\] INFO: room linked /);
    expect(text).toContain('"roomId":"!r:x"');
    expect(text).toContain('[redacted]');
    expect(text).not.toContain('xoxb-secret');
    expect(() => JSON.parse(text)).toThrow();
  });

  it('writes JSON on a terminal when told to', () => {
    expect(JSON.parse(logOnce(true, 'json'))).toMatchObject({ msg: 'room linked' });
  });
});

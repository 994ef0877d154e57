import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { datasetEmoji, datasetSize, EMOJIBASE_VERSION } from '../../../src/connector/index.js';
import { DATASET, everyEmoji } from './dataset-rows.js';

describe('emoji dataset', () => {
  it('is generated from the installed emojibase-data (the committed file is current)', async () => {
    const run = promisify(execFile);
    await expect(
      run(process.execPath, ['scripts/generate-emoji.mjs', '--check']),
    ).resolves.toBeDefined();
    expect(EMOJIBASE_VERSION).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('has every emoji of the dataset, skin variants included', () => {
    const total = everyEmoji().length;
    expect(datasetSize()).toBe(total);
    // emojibase-data 17: 1949 emoji, 2030 skin variants. A smaller number means rows were lost.
    expect(total).toBeGreaterThanOrEqual(3979);
    for (const { entry } of everyEmoji()) {
      expect(datasetEmoji(entry.emoji), entry.label).toBeDefined();
    }
    expect(DATASET.length).toBeGreaterThanOrEqual(1949);
  });

  it('spells an emoji as Unicode fully qualifies it, whatever spelling it is given in', () => {
    expect(datasetEmoji('👍')).toBe('👍');
    expect(datasetEmoji('👍\uFE0F')).toBe('👍');
    expect(datasetEmoji('\u2764')).toBe('\u2764\uFE0F');
    expect(datasetEmoji('\u2764\uFE0E')).toBe('\u2764\uFE0F');
    expect(datasetEmoji('1\u20E3')).toBe('1\uFE0F\u20E3');
    expect(datasetEmoji('🧑\u200D💻')).toBe('🧑\u200D💻');
  });

  it('knows what is not one emoji', () => {
    for (const text of ['', 'lol', ':+1:', '👍👍', '👍 ', 'a👍', '\u200D', '\uFE0F', '🏻x'])
      expect(datasetEmoji(text), JSON.stringify(text)).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import { ADMIN_ERRORS } from '../../../src/admin/errors.js';

type PlainSentence = (code?: string, field?: string, detail?: unknown, status?: number) => string;

// The console's own module (plain JavaScript, served as it is).
const { plainSentence } = (await import('../../../src/admin/console/errors.js' as string)) as {
  plainSentence: PlainSentence;
};

describe('console errors in plain language', () => {
  it('gives every code the API answers with a sentence, never the code or raw JSON', () => {
    // The admin errors, and the erasure's own (from the core registry).
    const answered: Array<[string, { status: number }]> = [
      ...Object.entries(ADMIN_ERRORS),
      ['ERASURE_SUBJECT_UNKNOWN', { status: 404 }],
      ['ERASURE_INCOMPLETE', { status: 502 }],
    ];
    for (const [code, { status }] of answered) {
      const text = plainSentence(code, undefined, '{"errcode":"M_X","error":"raw"}', status);
      expect(text, code).not.toContain('{');
      expect(text, code).not.toContain(code);
      expect(text, code).toMatch(/^[A-Z].*\.$/);
    }
  });

  it('says which form field to fix, for every field the API names', () => {
    for (const field of ['room', 'channel', 'connector', 'workspace', 'outcome', 'actor']) {
      const text = plainSentence('INVALID_REQUEST', field, `${field}: must not be empty`, 400);
      expect(text, field).not.toContain('must not be empty');
      expect(text, field).toMatch(/^[A-Z].*\.$/);
    }
  });

  it("falls back to the bridge's own words, or to the status, for anything unknown", () => {
    const hostile = [
      [undefined, undefined, 'the bridge is restarting', 503],
      ['SOMETHING_NEW', undefined, 'a new refusal', 409],
      [undefined, undefined, undefined, 502],
      [undefined, undefined, { error: 'object' }, 500],
      ['SOMETHING_NEW', undefined, '{"errcode":"M_UNKNOWN"}', 400],
      ['SOMETHING_NEW', undefined, '[1,2]', 400],
      ['INVALID_REQUEST', 'unknown_field', '', 400],
    ] as const;
    for (const [code, field, detail, status] of hostile) {
      const text = plainSentence(code, field, detail, status);
      expect(text).not.toContain('[object');
      expect(text).not.toMatch(/[{[]/);
      expect(text).toMatch(/^The bridge (refused|answered|did not accept)/);
    }
  });
});

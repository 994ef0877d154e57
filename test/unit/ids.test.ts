import { describe, expect, it } from 'vitest';
import { GhostIdCodec, escapeLocalpart, unescapeLocalpart } from '../../src/core/ids.js';

describe('ghost id codec', () => {
  const codec = new GhostIdCodec('_bridge_', 'example.org');

  it('round-trips ids with uppercase, underscores and unicode', () => {
    for (const userId of ['abc123', 'U01ABCDEF', 'user_with_underscores', 'åsa.öberg', 'a=b', '']) {
      const mxid = codec.encode({ connector: 'chat', workspace: 'Agency_A', userId });
      expect(mxid).toMatch(/^@_bridge_chat_[a-z0-9.=-]*_[a-z0-9.=-]*:example\.org$/);
      expect(codec.decode(mxid)).toEqual({ connector: 'chat', workspace: 'Agency_A', userId });
    }
  });

  it('does not mistake other users for ghosts', () => {
    expect(codec.decode('@alice:example.org')).toBeUndefined();
    expect(codec.decode('@_bridge_chat_w_u:other.org')).toBeUndefined();
    expect(codec.decode('@_bridge_chat_w_u_extra:example.org')).toBeUndefined();
    expect(codec.decode('@_bridge_Chat_w_u:example.org')).toBeUndefined();
    expect(codec.decode('@_bridge_chat_w_=zz:example.org')).toBeUndefined();
  });

  it('escapes to lowercase-only localparts', () => {
    expect(escapeLocalpart('AB_c')).toBe('=41=42=5fc');
    expect(unescapeLocalpart('=41=42=5fc')).toBe('AB_c');
    expect(unescapeLocalpart('A')).toBeUndefined();
  });
});

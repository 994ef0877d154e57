import type { Bridge } from 'matrix-appservice-bridge';
import { describe, expect, it } from 'vitest';
import { MatrixGateway } from '../../../src/matrix/matrix-gateway.js';

/** A bridge whose bot intent answers profile lookups from `answer` (throwing = homeserver away). */
function gatewayWith(answer: { member?: () => unknown; profile: () => unknown }) {
  const calls = { member: 0, profile: 0 };
  const intent = {
    getStateEvent: async () => {
      calls.member++;
      if (!answer.member) throw Object.assign(new Error('not found'), { statusCode: 404 });
      return answer.member();
    },
    getProfileInfo: async () => {
      calls.profile++;
      return answer.profile();
    },
  };
  const bridge = { getIntent: () => intent } as unknown as Bridge;
  return { gateway: new MatrixGateway(bridge, 'http://hs.invalid', 'token'), calls };
}

describe('a Matrix sender’s name and avatar', () => {
  it('is remembered once the homeserver answered', async () => {
    const { gateway, calls } = gatewayWith({ profile: () => ({ displayname: 'Maria' }) });
    expect(await gateway.memberProfile('!r:hs', '@maria:hs')).toEqual({
      displayName: 'Maria',
      avatarMxc: undefined,
    });
    await gateway.memberProfile('!r:hs', '@maria:hs');
    expect(calls.profile).toBe(1);
  });

  it('is asked for again after a lookup that failed (the homeserver was away)', async () => {
    let away = true;
    const { gateway } = gatewayWith({
      profile: () => {
        if (away) throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
        return { displayname: 'Maria Svensson' };
      },
    });
    expect((await gateway.memberProfile('!r:hs', '@maria:hs')).displayName).toBeUndefined();
    away = false;
    expect((await gateway.memberProfile('!r:hs', '@maria:hs')).displayName).toBe('Maria Svensson');
  });
});

/**
 * Whose linked account a Teams storage key holds, for the notice when retention removes it:
 * only `puppet:<workspace>:<Matrix user id>` names an owner; look-alikes name nobody.
 */
import { describe, expect, it } from 'vitest';
import { linkOwnerOf } from '../../../connectors/teams/auth/account-links.js';

describe('linkOwnerOf', () => {
  it('reads the workspace and the Matrix user id (which has colons of its own)', () => {
    expect(linkOwnerOf('puppet:agency-a:@maria:example.org')).toEqual({
      workspace: 'agency-a',
      matrixUserId: '@maria:example.org',
    });
    expect(linkOwnerOf('puppet:w:@a:host:8448')).toEqual({
      workspace: 'w',
      matrixUserId: '@a:host:8448',
    });
  });

  it.each([
    'puppet:',
    'puppet:agency-a',
    'puppet:agency-a:',
    'puppet:agency-a:maria:example.org',
    'puppet::@maria:example.org',
    'Puppet:agency-a:@maria:example.org',
    ' puppet:agency-a:@maria:example.org',
    'ref:agency-a:@maria:example.org',
    'xpuppet:agency-a:@maria:example.org',
  ])('names nobody for %j', (key) => {
    expect(linkOwnerOf(key)).toBeUndefined();
  });
});

/** `permissions` entries with a scope: accepted forms, and every malformed one named clearly. */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/index.js';
import { mattermostSchema, messagesOf, problemsOf, withExtra } from './config-fixtures.js';

const CONNECTORS = `connectors:
  mattermost:
    workspaces:
      agency-a: { url: "http://mm", token: t }
      agency-b: { url: "http://mm", token: t }`;
const options = { env: {}, connectorSchemas: { mattermost: mattermostSchema } };

const withPermissions = (entries: string): string =>
  withExtra(`${CONNECTORS}\npermissions:\n${entries}`);

describe('scoped permissions in the config', () => {
  it('takes a level, or a level with connectors and workspaces', () => {
    const config = parseConfig(
      withPermissions(
        [
          "  '@ops:agency.example': admin",
          '  agency-a.example: { level: linker, scope: [mattermost/agency-a] }',
          '  agency-b.example: { level: user, scope: [mattermost] }',
        ].join('\n'),
      ),
      options,
    );
    expect(config.permissions).toEqual({
      '@ops:agency.example': 'admin',
      'agency-a.example': { level: 'linker', scope: ['mattermost/agency-a'] },
      'agency-b.example': { level: 'user', scope: ['mattermost'] },
    });
  });

  it.each([
    ['Mattermost'],
    ['mattermost/'],
    ['/agency-a'],
    ['mattermost/agency-a/x'],
    ['../mattermost'],
    ['mattermost/Agency-A'],
    ['mattermost agency-a'],
    [''],
  ])('refuses the scope item %j, naming the entry', (item) => {
    const err = problemsOf(
      withPermissions(`  x.example: { level: linker, scope: [${JSON.stringify(item)}] }`),
      options,
    );
    expect(messagesOf(err).join('\n')).toMatch(/^permissions\["x\.example"\]/m);
  });

  it.each([
    ['  x.example: { level: linker }', 'no scope'],
    ['  x.example: { level: linker, scope: [] }', 'an empty scope'],
    ['  x.example: { level: owner, scope: [mattermost] }', 'an unknown level'],
    ['  x.example: { level: linker, scope: [mattermost], extra: 1 }', 'an unknown key'],
    ['  x.example: [linker]', 'a list'],
  ])('refuses %j (%s)', (entry) => {
    const err = problemsOf(withPermissions(entry), options);
    expect(messagesOf(err).join('\n')).toMatch(/^permissions\["x\.example"\]/m);
  });

  it('refuses a scope naming a connector or workspace the config does not have', () => {
    const err = problemsOf(
      withPermissions(
        '  x.example: { level: linker, scope: [slack, mattermost/agency-c, mattermost/agency-a] }',
      ),
      options,
    );
    expect(messagesOf(err)).toEqual([
      expect.stringMatching(/^permissions\["x\.example"\]\.scope\[0\]: unknown connector/),
      expect.stringMatching(
        /^permissions\["x\.example"\]\.scope\[1\]: no workspace "agency-c" under connectors\.mattermost\.workspaces \(defined: agency-a, agency-b\)/,
      ),
    ]);
  });
});

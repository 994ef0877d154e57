/** parseConfig: settings that must agree. */
import { describe, expect, it } from 'vitest';
import { MINIMAL, messagesOf, problemsOf, withExtra } from './config-fixtures.js';

describe('parseConfig: cross-checks', () => {
  const connectors = 'connectors:\n  mattermost:\n    workspaces:\n      main: {}\n';

  it('a link to an unconfigured connector or undefined workspace', () => {
    const err = problemsOf(
      withExtra(`portals:
  - room: "!a:localhost"
    links:
      - { connector: slack, workspace: main, channel: c }
      - { connector: mattermost, workspace: mian, channel: c }
${connectors}`),
    );
    expect(messagesOf(err)).toEqual([
      'portals[0].links[0].connector: connector "slack" has no block under connectors (configured: mattermost)',
      'portals[0].links[1].workspace: no workspace "mian" under connectors.mattermost.workspaces (defined: main) — did you mean "main"?',
    ]);
  });

  it('a link to a connector without a schema when schemas are given', () => {
    const err = problemsOf(
      withExtra(`portals:
  - room: "!a:localhost"
    links: [{ connector: slack, workspace: main, channel: c }]
${connectors}`),
      { connectorSchemas: { mattermost: {} } },
    );
    expect(messagesOf(err)).toEqual([
      'portals[0].links[0].connector: unknown connector (known: mattermost)',
    ]);
  });

  it('the same channel or room twice', () => {
    const err = problemsOf(
      withExtra(`portals:
  - room: "!a:localhost"
    links: [{ connector: mattermost, workspace: main, channel: c }]
  - room: "!a:localhost"
    links: [{ connector: mattermost, workspace: main, channel: c }]
${connectors}`),
    );
    expect(messagesOf(err)).toEqual([
      'portals[1].room: room !a:localhost is already listed at portals[0]',
      'portals[1].links[0]: channel mattermost/main/c is already linked at portals[0].links[0]',
    ]);
  });

  it('retry delays and the bot inside the ghost namespace', () => {
    const err = problemsOf(
      MINIMAL.replace('port: 9000', 'port: 9000\n  bot_localpart: _bridge_bot') +
        'bridge: { retry: { initial_delay_ms: 5000, max_delay_ms: 1000 } }\n',
    );
    expect(messagesOf(err)).toEqual([
      'appservice.bot_localpart: must not start with appservice.ghost_prefix ("_bridge_"): the bot would be taken for a ghost user',
      'bridge.retry.max_delay_ms: must be ≥ bridge.retry.initial_delay_ms (5000)',
    ]);
  });
});

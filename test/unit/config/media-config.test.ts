/** The media: block: defaults (bridge.max_file_size still counts), and clear errors. */
import { describe, expect, it } from 'vitest';
import { mediaSettings, parseConfig } from '../../../src/config/index.js';
import { MINIMAL, messagesOf, problemsOf, withExtra } from './config-fixtures.js';

const connectors = 'connectors:\n  slack:\n    workspaces:\n      main: {}\n';

describe('media: config', () => {
  it('defaults to any type up to bridge.max_file_size, no scanner', () => {
    const config = parseConfig(withExtra('bridge:\n  max_file_size: 1234\n'));
    expect(mediaSettings(config)).toEqual({
      max_file_size: 1234,
      allowed_types: ['*'],
      connectors: {},
    });
    expect(mediaSettings(parseConfig(MINIMAL)).max_file_size).toBe(52_428_800);
  });

  it('reads rules per direction and connector, and a scanner with its defaults', () => {
    const config = parseConfig(
      withExtra(`media:
  max_file_size: 1000
  allowed_types: [image/*, application/pdf]
  to_matrix: { allowed_types: [image/png] }
  connectors:
    slack:
      max_file_size: 500
      between_platforms: { allowed_types: [text/plain] }
  scanner:
    clamd: { host: 127.0.0.1, port: 3310 }
${connectors}`),
    );
    expect(mediaSettings(config)).toMatchObject({
      max_file_size: 1000,
      to_matrix: { allowed_types: ['image/png'] },
      connectors: { slack: { max_file_size: 500 } },
      scanner: {
        clamd: { host: '127.0.0.1', port: 3310 },
        timeout_s: 30,
        on_failure: 'fail_closed',
      },
    });
  });

  it.each([
    [
      'an unknown type, with a suggestion',
      'media:\n  allowed_types: [image/pgn]\n',
      'media.allowed_types[0]: "image/pgn" is not a type the bridge recognises from a file\'s bytes — did you mean "image/png"?',
    ],
    [
      'an unknown type in a connector direction',
      `media:\n  connectors:\n    slack:\n      to_matrix: { allowed_types: [application/exe] }\n${connectors}`,
      'media.connectors.slack.to_matrix.allowed_types[0]: "application/exe" is not a type',
    ],
    [
      'a connector that is not configured',
      `media:\n  connectors:\n    slakc: { max_file_size: 5 }\n${connectors}`,
      'media.connectors.slakc: no connector "slakc" is configured under connectors: — did you mean "slack"?',
    ],
    [
      'clamd with both a socket and a port',
      'media:\n  scanner:\n    clamd: { socket: /run/clamd.ctl, host: localhost, port: 3310 }\n',
      'media.scanner.clamd: give either socket',
    ],
    [
      'clamd with a host and no port',
      'media:\n  scanner:\n    clamd: { host: localhost }\n',
      'media.scanner.clamd: give either socket',
    ],
    [
      'clamd with nothing',
      'media:\n  scanner:\n    clamd: {}\n',
      'media.scanner.clamd: give either socket',
    ],
    ['a scanner without clamd', 'media:\n  scanner: { timeout_s: 5 }\n', 'media.scanner'],
    [
      'an unknown failure mode',
      'media:\n  scanner:\n    clamd: { socket: /s }\n    on_failure: deliver\n',
      'media.scanner.on_failure',
    ],
    ['a zero size limit', 'media:\n  max_file_size: 0\n', 'media.max_file_size'],
    ['a misspelt direction', 'media:\n  to_platfrom: {}\n', 'media'],
    [
      'a port out of range',
      'media:\n  scanner:\n    clamd: { host: h, port: 70000 }\n',
      'media.scanner.clamd.port',
    ],
  ])('refuses %s', (_what, yaml, message) => {
    const messages = messagesOf(problemsOf(withExtra(yaml)));
    expect(
      messages.some((m) => m.startsWith(message)),
      messages.join('\n'),
    ).toBe(true);
  });
});

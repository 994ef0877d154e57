import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../../src/config/index.js';

const MINIMAL = `
homeserver: { url: "http://127.0.0.1:8008", domain: localhost }
appservice: { port: 9000, url: "http://127.0.0.1:9000" }
`;

const parse = (bridge: string) => parseConfig(`${MINIMAL}bridge: ${bridge}\n`, { env: {} });

function problems(bridge: string): string[] {
  try {
    parse(bridge);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems.map((p) => `${p.path}: ${p.message}`);
  }
  throw new Error('expected the configuration to be rejected');
}

describe('display-name templates in the config', () => {
  it('default to showing the platform', () => {
    const { bridge } = parse('{}');
    expect(bridge.ghost_displayname_template).toBe('{name} ({platform})');
    expect(bridge.matrix_sender_name_template).toBe('{name} ({platform})');
    expect(bridge.connector_name_templates).toEqual({});
  });

  it('accept templates with {name}, optionally {platform}, and per-connector overrides', () => {
    const { bridge } = parse(
      `{ ghost_displayname_template: "[{platform}] {name}", matrix_sender_name_template: "{name} ↔ M",
         connector_name_templates: { teams: { ghost_displayname_template: "{name} [MS]" } } }`,
    );
    expect(bridge.ghost_displayname_template).toBe('[{platform}] {name}');
    expect(bridge.connector_name_templates.teams).toEqual({
      ghost_displayname_template: '{name} [MS]',
    });
  });

  it.each([
    ['without {name}', '"({platform})"'],
    ['empty', '""'],
    ['an unknown placeholder', '"{name} {team}"'],
    ['a stray brace', '"{name} }"'],
    ['a newline', '"{name}\\n(Slack)"'],
    ['a control character', '"{name}\\u0007"'],
    ['a C1 control character', '"{name}\\u009b"'],
    ['over 100 characters', `"{name} ${'x'.repeat(100)}"`],
    ['not a string', '42'],
  ])('reject a ghost template %s, saying what a template must be', (_, value) => {
    const found = problems(`{ ghost_displayname_template: ${value} }`);
    expect(found.join('\n')).toMatch(/^bridge\.ghost_displayname_template: /);
  });

  it.each([
    ['an unknown key', '{ teams: { ghost_template: "{name}" } }', /ghost_template/],
    ['a bad connector id', '{ Teams_X: { ghost_displayname_template: "{name}" } }', /Teams_X/],
    [
      'a bad template',
      '{ teams: { matrix_sender_name_template: "Matrix user" } }',
      /must contain \{name\}/,
    ],
  ])('reject per-connector templates with %s', (_, value, message) => {
    const found = problems(`{ connector_name_templates: ${value} }`);
    expect(found.join('\n')).toMatch(message);
  });

  it('explain a failed pattern in words', () => {
    expect(problems('{ matrix_sender_name_template: "Matrix user" }')).toEqual([
      expect.stringContaining('must contain {name}, may contain {platform}'),
    ]);
  });
});

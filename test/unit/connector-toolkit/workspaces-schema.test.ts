/** The toolkit's `workspaces:` schema, with a connector's own keys beside the block. */
import { describe, expect, it } from 'vitest';
import { workspacesConfigSchema } from '../../../src/connector/index.js';
import { connectorValidate } from '../../../src/config/validate.js';

const schema = workspacesConfigSchema(
  { required: ['url'], properties: { url: { type: 'string' } } },
  undefined,
  { poll_seconds: { type: 'number', minimum: 1, default: 30 } },
);

function errors(config: unknown): string[] {
  const validate = connectorValidate('example', schema);
  validate(config);
  return (validate.errors ?? []).map((e) => `${e.instancePath} ${e.keyword}`);
}

describe('workspacesConfigSchema with top-level keys', () => {
  it('accepts the connector key and fills its default', () => {
    const config: Record<string, unknown> = { workspaces: { main: { url: 'https://x' } } };
    expect(errors(config)).toEqual([]);
    expect(config.poll_seconds).toBe(30);
  });

  it('checks the connector key by its own schema', () => {
    expect(errors({ workspaces: { main: { url: 'x' } }, poll_seconds: 0 })).toContain(
      '/poll_seconds minimum',
    );
  });

  it.each(['polling', 'url', 'workspace', '__proto__'])(
    'still refuses any other top-level key (%s)',
    (key) => {
      expect(errors({ workspaces: { main: { url: 'x' } }, [key]: 1 })).toContain(
        ' additionalProperties',
      );
    },
  );

  it('a top-level key does not loosen the workspaces block', () => {
    expect(errors({ workspaces: {}, poll_seconds: 5 })).toContain('/workspaces minProperties');
    expect(errors({ poll_seconds: 5 })).toContain(' required');
  });
});

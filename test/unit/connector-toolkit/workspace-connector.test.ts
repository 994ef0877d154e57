/** The base of connectors with a `workspaces:` block: one object per name, started together. */
import { describe, expect, it } from 'vitest';
import { BridgeError, WorkspaceConnector } from '../../../src/connector/index.js';

class FakeWorkspace {
  events: string[] = [];
  constructor(readonly name: string) {}
  async start(): Promise<void> {
    this.events.push('start');
  }
  async stop(): Promise<void> {
    this.events.push('stop');
  }
}

class FakeConnector extends WorkspaceConnector<FakeWorkspace> {
  constructor(configs: Record<string, unknown>) {
    super('Fake Chat', 'fake', configs, (name) => new FakeWorkspace(name));
  }
  get(name: string): FakeWorkspace {
    return this.ws(name);
  }
}

describe('WorkspaceConnector', () => {
  it('makes one workspace per configured name and starts and stops them all', async () => {
    const c = new FakeConnector({ a: {}, b: {} });
    await c.start();
    await c.stop();
    expect(c.get('a').events).toEqual(['start', 'stop']);
    expect(c.get('b').events).toEqual(['start', 'stop']);
    expect(c.get('a')).toBe(c.get('a'));
  });

  it.each(['c', '', 'A', '__proto__', 'constructor', 'a '])(
    'an unconfigured name (%j) is WORKSPACE_UNKNOWN, naming the config key',
    (name) => {
      const c = new FakeConnector({ a: {} });
      let caught: unknown;
      try {
        c.get(name);
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(BridgeError);
      expect((caught as BridgeError).code).toBe('WORKSPACE_UNKNOWN');
      expect((caught as Error).message).toContain('connectors.fake.workspaces');
      expect((caught as Error).message).toContain('Fake Chat');
    },
  );
});

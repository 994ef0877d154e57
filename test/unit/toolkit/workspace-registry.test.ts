/** A connector's workspaces by name: built from the config, started and stopped together. */
import { describe, expect, it } from 'vitest';
import { BridgeError } from '../../../src/util/errors.js';
import { WorkspaceRegistry } from '../../../src/connector/workspace-registry.js';

class FakeWorkspace {
  readonly log: string[] = [];
  constructor(readonly name: string) {}
  async start(): Promise<void> {
    this.log.push('start');
  }
  async stop(): Promise<void> {
    this.log.push('stop');
  }
}

const registry = () =>
  new WorkspaceRegistry('Chat X', 'chatx', { a: {}, b: {} }, (n) => new FakeWorkspace(n));

describe('WorkspaceRegistry', () => {
  it('makes one workspace per configured name and finds it by name', () => {
    const r = registry();
    expect(r.all().map((w) => w.name)).toEqual(['a', 'b']);
    expect(r.get('b').name).toBe('b');
  });

  it('starts and stops every workspace', async () => {
    const r = registry();
    await r.startAll();
    await r.stopAll();
    expect(r.all().map((w) => w.log)).toEqual([
      ['start', 'stop'],
      ['start', 'stop'],
    ]);
  });

  it('refuses a name not configured with WORKSPACE_UNKNOWN naming the config key', () => {
    for (const name of ['c', '', 'A', 'a ', '__proto__', 'constructor', 'toString']) {
      let caught: unknown;
      try {
        registry().get(name);
      } catch (err) {
        caught = err;
      }
      expect(caught, name).toBeInstanceOf(BridgeError);
      expect((caught as BridgeError).code).toBe('WORKSPACE_UNKNOWN');
      expect((caught as Error).message).toContain('connectors.chatx.workspaces');
      expect((caught as Error).message).toContain(`Chat X workspace "${name}"`);
    }
  });
});

import type { ConnectionState } from '../connector/contract.js';

export interface ConnectionStateEntry extends ConnectionState {
  connector: string;
  workspace: string;
  since: number;
}

/** Latest connection state per connector and workspace, for operators. */
export class ConnectionStates {
  private readonly states = new Map<string, ConnectionStateEntry>();

  set(connector: string, workspace: string, state: ConnectionState): ConnectionStateEntry {
    const key = `${connector}/${workspace}`;
    const prev = this.states.get(key);
    const entry = {
      connector,
      workspace,
      ...state,
      since: prev?.status === state.status ? prev.since : Date.now(),
    };
    this.states.set(key, entry);
    return entry;
  }

  all(): ConnectionStateEntry[] {
    return [...this.states.values()];
  }
}

/**
 * Why the bridge could not open its HTTP listener, in words an operator can act on: which
 * config keys chose the address, and what to change. Node's own `listen EADDRINUSE` names
 * neither.
 */
import { BridgeError, errorMessage } from '../util/errors.js';

export interface ListenAddress {
  port: number;
  bindAddress: string;
}

/** The BridgeError for a failed `listen` on appservice.bind_address:appservice.port. */
export function listenError(err: unknown, at: ListenAddress): BridgeError {
  const where = `${at.bindAddress}:${at.port} (appservice.bind_address, appservice.port)`;
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EADDRINUSE') {
    return new BridgeError(
      'LISTEN_PORT_IN_USE',
      `Cannot listen on ${where}: another process already uses port ${at.port}. Stop it (is ` +
        `the bridge already running? \`ss -ltnp 'sport = :${at.port}'\` shows which process), ` +
        `or choose another appservice.port, change appservice.url to match, regenerate the ` +
        `registration and restart the homeserver.`,
      { cause: err },
    );
  }
  const why =
    code === 'EACCES'
      ? `ports below 1024 need privileges: choose appservice.port 1024 or above`
      : code === 'EADDRNOTAVAIL'
        ? `no network interface of this machine has that address: set appservice.bind_address to one of its addresses, 127.0.0.1 or 0.0.0.0`
        : `fix appservice.bind_address or appservice.port`;
  return new BridgeError(
    'LISTEN_FAILED',
    `Cannot listen on ${where}: ${errorMessage(err)}. ${why[0]!.toUpperCase()}${why.slice(1)}.`,
    { cause: err },
  );
}

import type { Logger } from 'pino';
import type { ReloadSummary } from '../app/config-reload.js';
import type { BridgeConfig } from '../config/index.js';
import { BridgeError, errorMessage } from '../util/errors.js';
import { loadWithConnectors } from './config-loading.js';

export interface ReloadOnSignalOptions {
  /** Where SIGHUP arrives: the process, or a stand-in in tests. */
  signals: NodeJS.EventEmitter;
  configPath: string;
  /** Settles when start-up is done: a SIGHUP during start-up waits for it. */
  started: Promise<unknown>;
  bridge: { reload(next: BridgeConfig): Promise<ReloadSummary> };
  log: Logger;
  load?: (path: string) => Promise<{ config: BridgeConfig }>;
}

/**
 * SIGHUP re-reads the config file and applies its `portals:` and `permissions:` without a
 * restart. A file that does not validate is refused as a whole and the bridge keeps the
 * config it runs with; keys that only a restart can change are named in a warning.
 */
export function reloadOnSignal(opts: ReloadOnSignalOptions): void {
  opts.signals.on('SIGHUP', () => void reloadOnce(opts));
}

async function reloadOnce(opts: ReloadOnSignalOptions): Promise<void> {
  const { log, configPath } = opts;
  const load = opts.load ?? loadWithConnectors;
  try {
    await opts.started;
    log.info({ config: configPath }, 'SIGHUP: reloading portals and permissions');
    const { config } = await load(configPath);
    const summary = await opts.bridge.reload(config);
    log.info(
      { permissionChanges: summary.permissions.length, ...summary.portals },
      'config reloaded',
    );
    if (summary.needRestart.length > 0) {
      log.warn(
        { keys: summary.needRestart },
        'these config keys changed but take effect only at the next restart',
      );
    }
  } catch (err) {
    log.error(
      {
        config: configPath,
        code: err instanceof BridgeError ? err.code : undefined,
        err: errorMessage(err),
      },
      'config reload refused; the bridge keeps running with the config it had',
    );
  }
}

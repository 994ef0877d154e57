/** The media policy built from the config: the size and type rules and the virus scanner. */
import type { Logger } from 'pino';
import { mediaSettings, type BridgeConfig } from '../config/index.js';
import { MediaGate } from '../core/delivery/media-gate.js';
import { telemetry } from '../core/telemetry.js';
import { ClamdClient } from '../media/clamd-client.js';
import { MediaPolicy } from '../media/media-policy.js';
import { AuditStore } from '../store/audit-store.js';
import type { Stores } from '../store/index.js';

/** How often the scanner is asked whether it answers, so its gauge is true without traffic. */
const SCANNER_CHECK_MS = 30_000;

export function createMediaGate(config: BridgeConfig, stores: Stores, log: Logger): MediaGate {
  const settings = mediaSettings(config);
  const scanner = settings.scanner
    ? new ClamdClient(settings.scanner.clamd, { timeoutMs: settings.scanner.timeout_s * 1000 })
    : undefined;
  const policy = new MediaPolicy(settings, log, scanner, (up) => telemetry().scannerUp(up));
  return new MediaGate(policy, new AuditStore(stores.db), log);
}

/** Asks the scanner now and then whether it answers (no-op without a scanner). */
export class ScannerWatch {
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly policy: MediaPolicy) {}

  start(): void {
    if (!this.policy.scanning || this.timer) return;
    const check = (): void => void this.policy.checkScanner();
    check();
    this.timer = setInterval(check, SCANNER_CHECK_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}

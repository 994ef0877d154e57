/**
 * The media policy, in one place for every connector: a file crosses only when its size and
 * its type (from its bytes) are allowed for the direction and the platforms involved, and,
 * with a scanner configured, clamd finds nothing in it. A scanner that gives no verdict
 * refuses the file (fail_closed) or lets it through (fail_open), logged at error either way.
 */
import type { Logger } from 'pino';
import type { ScanResult } from './clamd-client.js';
import { sniffFileType } from './file-type.js';
import type { MediaRefusal } from './media-refusal.js';
import {
  largestLimit,
  rulesFor,
  typeAllowed,
  type Crossing,
  type MediaSettings,
} from './media-rules.js';
import { ScannerError } from './scanner-errors.js';

export interface VirusScanner {
  scan(bytes: Buffer): Promise<ScanResult>;
  ping(): Promise<boolean>;
  describe(): string;
}

/** A file read once and judged for each side it goes to: sniffed at once, scanned lazily. */
export interface InspectedFile {
  readonly size: number;
  readonly type: string;
  scanned(): Promise<ScanResult | ScannerError>;
}

/** Whether the scanner answers, each time that is learned (for the scanner-up gauge). */
export type ScannerStateListener = (up: boolean) => void;

export class MediaPolicy {
  private lastCheck: boolean | undefined;

  constructor(
    private readonly settings: MediaSettings,
    private readonly log: Logger,
    private readonly scanner?: VirusScanner,
    private readonly onScannerState: ScannerStateListener = () => undefined,
  ) {}

  get scanning(): boolean {
    return this.scanner !== undefined;
  }

  /** The bound for reading a file before it is judged. */
  largestLimit(): number {
    return largestLimit(this.settings);
  }

  /** The size limit for one crossing (the smallest of its platforms' limits). */
  limitFor(crossing: Crossing): number {
    return Math.min(...rulesFor(this.settings, crossing).map((r) => r.maxFileSize));
  }

  inspect(bytes: Buffer): InspectedFile {
    let scan: Promise<ScanResult | ScannerError> | undefined;
    return {
      size: bytes.byteLength,
      type: sniffFileType(bytes),
      scanned: () => (scan ??= this.scan(bytes)),
    };
  }

  /** Why `file` may not cross, or undefined when it may. */
  async judge(file: InspectedFile, crossing: Crossing): Promise<MediaRefusal | undefined> {
    const { size, type } = file;
    const limit = this.limitFor(crossing);
    if (size > limit) return { reason: 'too_large', type, size, limit };
    const rules = rulesFor(this.settings, crossing);
    if (!rules.every((r) => typeAllowed(type, r.allowedTypes))) {
      return { reason: 'type_not_allowed', type, size };
    }
    if (!this.scanner) return undefined;
    const result = await file.scanned();
    if (result instanceof ScannerError) {
      if (this.settings.scanner?.on_failure === 'fail_open') return undefined;
      return { reason: 'scanner_unavailable', type, size, failure: result.failure };
    }
    return result.infected
      ? { reason: 'infected', type, size, signature: result.signature }
      : undefined;
  }

  /**
   * Asks the scanner whether it answers, and reports it (for the gauge). A change is logged
   * (error when it stops answering, info when it is back), not every check.
   */
  async checkScanner(): Promise<boolean | undefined> {
    if (!this.scanner) return undefined;
    const up = await this.scanner.ping();
    this.onScannerState(up);
    if (up !== this.lastCheck) {
      const where = { scanner: this.scanner.describe() };
      if (up) this.log.info(where, 'virus scanner answers');
      else this.log.error(where, 'virus scanner does not answer PING: files get no verdict');
    }
    this.lastCheck = up;
    return up;
  }

  private async scan(bytes: Buffer): Promise<ScanResult | ScannerError> {
    const scanner = this.scanner as VirusScanner;
    try {
      const result = await scanner.scan(bytes);
      this.onScannerState(true);
      return result;
    } catch (err) {
      const failure =
        err instanceof ScannerError ? err : new ScannerError('protocol', String(err).slice(0, 200));
      this.onScannerState(failure.scannerAnswered);
      this.log.error(
        {
          scanner: scanner.describe(),
          failure: failure.failure,
          detail: failure.detail,
          size: bytes.byteLength,
          onFailure: this.settings.scanner?.on_failure ?? 'fail_closed',
        },
        this.settings.scanner?.on_failure === 'fail_open'
          ? 'virus scanner gave no verdict: file delivered unscanned (fail_open)'
          : 'virus scanner gave no verdict: file refused (fail_closed)',
      );
      return failure;
    }
  }
}

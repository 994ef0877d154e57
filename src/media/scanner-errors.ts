import { BridgeError } from '../util/errors.js';

/**
 * Why the virus scanner gave no verdict. `unreachable`, `timeout`, `protocol` (an answer
 * that is not clamd's) and `scanner_error` mean the scanner is not working; `size_limit`
 * means it works but will not take a file that long (clamd's StreamMaxLength).
 */
export type ScannerFailure =
  'unreachable' | 'timeout' | 'protocol' | 'scanner_error' | 'size_limit';

export class ScannerError extends BridgeError {
  constructor(
    readonly failure: ScannerFailure,
    /** What happened, for the operator log (never file contents or names). */
    readonly detail: string,
  ) {
    super('MEDIA_SCANNER_UNAVAILABLE', `virus scanner gave no verdict (${failure}: ${detail})`);
  }

  /** The scanner answered: it is up, it only refused this file. */
  get scannerAnswered(): boolean {
    return this.failure === 'size_limit' || this.failure === 'scanner_error';
  }
}

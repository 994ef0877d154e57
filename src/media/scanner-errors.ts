import { BridgeError } from '../util/errors.js';

/**
 * Why the virus scanner gave no verdict. `unreachable`, `timeout` and `protocol` (an answer
 * that is not clamd's) mean the scanner is not working; `size_limit` (a file longer than
 * clamd's StreamMaxLength), `reset` (clamd dropped the connection mid-file, which is how it
 * ends a too-long stream when its answer is lost) and `scanner_error` (clamd's own error
 * answer) mean it works but gave no verdict on this file.
 */
export type ScannerFailure =
  'unreachable' | 'timeout' | 'protocol' | 'scanner_error' | 'size_limit' | 'reset';

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
    return ['size_limit', 'reset', 'scanner_error'].includes(this.failure);
  }
}

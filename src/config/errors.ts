import { BridgeError } from '../util/errors.js';

/** One thing wrong with a configuration or registration file. */
export interface ConfigProblem {
  /** Dotted key path, e.g. `bridge.retry.max_attempts` or `portals[0].room`; '' for the whole file. */
  path: string;
  message: string;
  /** 1-based line in the file the problem was found at, when known. */
  line?: number;
}

/** Stable error codes raised by the config module (documented in docs/configuration.md). */
export const ConfigErrorCode = {
  /** The configuration file is missing, unreadable, not YAML, or fails validation. */
  Invalid: 'CONFIG_INVALID',
  /** The registration file is missing, unreadable or malformed, or does not fit the config. */
  RegistrationInvalid: 'REGISTRATION_INVALID',
  /** The registration file is well-formed but says something else than the config. */
  RegistrationMismatch: 'REGISTRATION_MISMATCH',
  /** `writeRegistration` would overwrite an existing file and `force` was not given. */
  RegistrationExists: 'REGISTRATION_EXISTS',
} as const;

/**
 * Raised when a configuration or registration file cannot be used. `problems` lists every
 * issue found (not just the first); `message` lists them one per line and says what to do.
 */
export class ConfigError extends BridgeError {
  readonly problems: ConfigProblem[];

  constructor(
    code: (typeof ConfigErrorCode)[keyof typeof ConfigErrorCode],
    message: string,
    problems: ConfigProblem[],
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
    this.problems = problems;
  }

  /** A `CONFIG_INVALID` error listing `problems` found in `source` (a file path or label). */
  static invalid(problems: ConfigProblem[], source?: string, options?: { cause?: unknown }) {
    const headline = source
      ? `The configuration in ${source} is invalid`
      : 'The configuration is invalid';
    const advice = `fix the keys above in ${source ?? 'the configuration'}`;
    return new ConfigError(
      ConfigErrorCode.Invalid,
      formatProblems(problems, headline, advice),
      problems,
      options,
    );
  }
}

export function formatProblem(problem: ConfigProblem): string {
  const where = problem.path === '' ? '' : `${problem.path}: `;
  const line = problem.line === undefined || problem.path === '' ? '' : ` (line ${problem.line})`;
  return `${where}${problem.message}${line}`;
}

/** `headline:` then one `  - problem` line each, then `→ advice`. */
export function formatProblems(
  problems: ConfigProblem[],
  headline: string,
  advice: string,
): string {
  const noun = problems.length === 1 ? 'problem' : 'problems';
  return [
    `${headline} (${problems.length} ${noun}):`,
    ...problems.map((p) => `  - ${formatProblem(p)}`),
    `Please ${advice}.`,
  ].join('\n');
}

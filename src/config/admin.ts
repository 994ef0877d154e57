/**
 * The `admin` block with every default filled in, whether or not the file had one. The
 * defaults come from `adminConfigSchema` itself (ajv `useDefaults`), so they live in one place.
 */
import { BridgeError } from '../util/errors.js';
import { adminConfigSchema, type AdminConfig, type BridgeConfig } from './schema.js';
import { describeAjvErrors, newAjv } from './validate.js';

let validateAdmin: ReturnType<ReturnType<typeof newAjv>['compile']> | undefined;

/** `config.admin`, or the defaults when the block is absent (e.g. a config built in code). */
export function adminSettings(config: Pick<BridgeConfig, 'admin'>): AdminConfig {
  validateAdmin ??= newAjv(true).compile(adminConfigSchema);
  const copy = structuredClone(config.admin ?? {}) as Record<string, unknown>;
  if (!validateAdmin(copy)) {
    const problems = describeAjvErrors(validateAdmin.errors ?? [], copy, ['admin']);
    throw new BridgeError(
      'CONFIG_INVALID',
      `invalid admin settings: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`,
    );
  }
  return copy as unknown as AdminConfig;
}

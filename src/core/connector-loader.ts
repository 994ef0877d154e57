import type { ConnectorDefinition } from '../connector/contract.js';
import { registerErrorCodes } from '../util/error-registry.js';
import { BridgeError } from '../util/errors.js';

const ID = /^[a-z][a-z0-9-]*$/;

/**
 * Finds a connector by the id used in the config: connectors/<id>/index.js exports
 * `definition`. The core never names a connector; adding one is adding a folder.
 */
export async function loadConnectorDefinition(id: string): Promise<ConnectorDefinition> {
  if (!ID.test(id)) {
    throw new BridgeError(
      'CONNECTOR_UNKNOWN',
      `connectors.${id}: a connector id is lowercase letters, digits and dashes`,
    );
  }
  const url = new URL(`../../connectors/${id}/index.js`, import.meta.url);
  let mod: { definition?: ConnectorDefinition };
  try {
    mod = (await import(url.href)) as { definition?: ConnectorDefinition };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND') {
      throw new BridgeError(
        'CONNECTOR_UNKNOWN',
        `connectors.${id}: no connector named "${id}" is installed (looked for ${url.pathname})`,
      );
    }
    throw err;
  }
  if (!mod.definition || mod.definition.id !== id) {
    throw new BridgeError(
      'CONNECTOR_INVALID',
      `connectors/${id}/index.js does not export a definition with id "${id}"`,
    );
  }
  if (mod.definition.errorCodes) registerErrorCodes(mod.definition.errorCodes);
  return mod.definition;
}

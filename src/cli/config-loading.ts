/** Reading the config file for the CLI: fully for the bridge, or only what API commands need. */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { loadConfig, type BridgeConfig } from '../config/index.js';
import type { ConnectorDefinition } from '../connector/contract.js';
import { loadConnectorDefinition } from '../core/connector-loader.js';

/** Connector ids named in the config file, read before full validation needs their schemas. */
function connectorIds(configPath: string): string[] {
  try {
    const raw = parseYaml(readFileSync(configPath, 'utf8')) as {
      connectors?: Record<string, unknown>;
    } | null;
    return Object.keys(raw?.connectors ?? {});
  } catch {
    return []; // loadConfig reports the real problem with line numbers
  }
}

/** The whole config, each connector block checked against its connector's schema. */
export async function loadWithConnectors(configPath: string): Promise<{
  config: BridgeConfig;
  definitions: ConnectorDefinition[];
}> {
  const definitions = await Promise.all(connectorIds(configPath).map(loadConnectorDefinition));
  const connectorSchemas = Object.fromEntries(definitions.map((d) => [d.id, d.configSchema]));
  return { config: loadConfig(configPath, { connectorSchemas }), definitions };
}

/**
 * The config for commands that only call the running bridge's API: the listener and the
 * provisioning secret. The platforms' blocks (and their `${env:…}` secrets) and `portals` are
 * not read, so an operator's shell needs none of the platform secrets.
 */
export function loadForApiCommands(configPath: string): BridgeConfig {
  return loadConfig(configPath, { ignore: ['connectors', 'portals'] });
}

import { WORKSPACE_NAMES } from '../config/workspace-name.js';

/** JSON Schema of one workspace's block: its properties, which are required, any rules more. */
export interface WorkspaceEntrySchema {
  required: readonly string[];
  properties: Record<string, object>;
  /** Further keywords of the entry (e.g. `allOf` for keys needed in one mode only). */
  [keyword: string]: unknown;
}

/**
 * The `configSchema` every connector has: a block `workspaces:` with at least one entry, each
 * named by the core's rule for workspace names and shaped by `entry` (no other keys allowed).
 * `hint` is shown when the block is missing or malformed. `topLevel` adds a connector's own
 * keys beside `workspaces:` (settings of the whole connector, not of one workspace).
 */
export function workspacesConfigSchema(
  entry: WorkspaceEntrySchema,
  hint?: string,
  topLevel: Record<string, object> = {},
): object {
  return {
    type: 'object',
    additionalProperties: false,
    required: ['workspaces'],
    properties: {
      workspaces: {
        type: 'object',
        minProperties: 1,
        propertyNames: WORKSPACE_NAMES,
        ...(hint === undefined ? {} : { 'x-hint': hint }),
        additionalProperties: { type: 'object', additionalProperties: false, ...entry },
      },
      ...topLevel,
    },
  };
}

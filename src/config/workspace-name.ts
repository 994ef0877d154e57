/**
 * The one rule for workspace names, used by the core's config schema (portal links), the
 * provisioning API and every connector's `workspaces:` schema (through src/connector/index.ts),
 * so a name a connector accepts can always be linked. Part of ghost user ids
 * (`@{ghost_prefix}{connector}_{workspace}_{user}`), so `_` (the separator) is not allowed.
 */
export const WORKSPACE_NAME_PATTERN = '^[a-z0-9][a-z0-9-]*$';

export const WORKSPACE_NAME_HINT =
  'must be a workspace name: lowercase letters, digits or - (not starting with -)';

/** `propertyNames` of a connector's `workspaces:` object: each key is a workspace name. */
export const WORKSPACE_NAMES = {
  pattern: WORKSPACE_NAME_PATTERN,
  'x-hint': `is not a valid workspace name: use lowercase letters, digits or - (not starting with -)`,
} as const;

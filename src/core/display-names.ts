/**
 * The names people are shown with on the other side of the bridge. Both directions follow a
 * template that says where the person really is (`Alice (Chat X)` on Matrix, `Maria (Matrix)`
 * on a platform), so nobody passes for a colleague on the other side by choosing the same
 * name; the name itself is cleaned first (see `sanitizeDisplayName`).
 */
import { renderNameTemplate, sanitizeDisplayName } from '../format/display-name.js';
import {
  DEFAULT_GHOST_DISPLAYNAME_TEMPLATE,
  DEFAULT_MATRIX_SENDER_NAME_TEMPLATE,
  type BridgeSettings,
} from '../config/schema.js';

/** What `{platform}` says for people on Matrix. */
export const MATRIX_PLATFORM_NAME = 'Matrix';

export type NameTemplateSettings = Pick<
  BridgeSettings,
  'ghost_displayname_template' | 'matrix_sender_name_template' | 'connector_name_templates'
>;

export const DEFAULT_NAME_TEMPLATES: NameTemplateSettings = {
  ghost_displayname_template: DEFAULT_GHOST_DISPLAYNAME_TEMPLATE,
  matrix_sender_name_template: DEFAULT_MATRIX_SENDER_NAME_TEMPLATE,
  connector_name_templates: {},
};

export class DisplayNames {
  constructor(
    private readonly settings: NameTemplateSettings,
    /** A connector's display name (`Chat X`), by connector id. */
    private readonly platformName: (connectorId: string) => string,
  ) {}

  /** Matrix display name of the ghost of a user of `connectorId`; `fallback` when the name is blank. */
  ghost(connectorId: string, rawName: string | undefined, fallback: string): string {
    const template =
      this.settings.connector_name_templates[connectorId]?.ghost_displayname_template ??
      this.settings.ghost_displayname_template;
    return renderNameTemplate(template, {
      name: sanitizeDisplayName(rawName ?? '') || sanitizeDisplayName(fallback) || fallback,
      platform: this.platformName(connectorId),
    });
  }

  /** Name a Matrix user is shown with on `connectorId`; `fallback` when the name is blank. */
  matrixSender(connectorId: string, rawName: string | undefined, fallback: string): string {
    const template =
      this.settings.connector_name_templates[connectorId]?.matrix_sender_name_template ??
      this.settings.matrix_sender_name_template;
    return renderNameTemplate(template, {
      name: sanitizeDisplayName(rawName ?? '') || sanitizeDisplayName(fallback) || fallback,
      platform: MATRIX_PLATFORM_NAME,
    });
  }
}

/**
 * The media policy's settings (the `media:` block of the config, validated and defaulted by
 * src/config) and how they resolve for one crossing: the most specific layer that sets a key
 * wins — connector and direction, connector, direction, then `media:` itself.
 */
import type { ClamdAddress } from './clamd-client.js';

export const MEDIA_DIRECTIONS = ['to_platform', 'to_matrix', 'between_platforms'] as const;
/** Matrix to a platform, a platform to Matrix, one platform to another (relayed by the bridge). */
export type MediaDirection = (typeof MEDIA_DIRECTIONS)[number];

export interface MediaRule {
  max_file_size?: number;
  /** MIME types as the sniffer names them, `type/*`, or `*` for any. */
  allowed_types?: string[];
}

export type LayeredRules = MediaRule & Partial<Record<MediaDirection, MediaRule>>;

export const SCANNER_FAILURE_MODES = ['fail_closed', 'fail_open'] as const;
export type ScannerFailureMode = (typeof SCANNER_FAILURE_MODES)[number];

export interface MediaScannerSettings {
  clamd: ClamdAddress;
  timeout_s: number;
  on_failure: ScannerFailureMode;
}

export interface MediaSettings extends LayeredRules {
  /** Defaults to bridge.max_file_size. */
  max_file_size: number;
  /** Defaults to any type. */
  allowed_types: string[];
  /** Connector id → rules for files that cross to or from that connector. */
  connectors: Record<string, LayeredRules>;
  scanner?: MediaScannerSettings;
}

/**
 * One file crossing: its direction and the platforms whose rules apply (the target for
 * to_platform, the source for to_matrix, both for between_platforms: both must allow it).
 */
export interface Crossing {
  direction: MediaDirection;
  connectors: readonly string[];
}

export interface ResolvedRule {
  maxFileSize: number;
  allowedTypes: string[];
}

function resolveOne(settings: MediaSettings, direction: MediaDirection, connector: string) {
  const own = settings.connectors[connector];
  const layers: MediaRule[] = [own?.[direction] ?? {}, own ?? {}, settings[direction] ?? {}];
  const pick = <K extends keyof MediaRule>(key: K): MediaRule[K] =>
    layers.find((l) => l[key] !== undefined)?.[key];
  return {
    maxFileSize: pick('max_file_size') ?? settings.max_file_size,
    allowedTypes: pick('allowed_types') ?? settings.allowed_types,
  };
}

/** A type is allowed by an entry that is `*`, the type itself, or its family (`image/*`). */
export function typeAllowed(type: string, allowed: readonly string[]): boolean {
  const family = `${type.split('/')[0] ?? ''}/*`;
  return allowed.some((entry) => entry === '*' || entry === type || entry === family);
}

/** The rule of every platform in the crossing; a file must satisfy all of them. */
export function rulesFor(settings: MediaSettings, crossing: Crossing): ResolvedRule[] {
  const ids = crossing.connectors.length > 0 ? crossing.connectors : [''];
  return ids.map((id) => resolveOne(settings, crossing.direction, id));
}

/** The largest size any rule lets through: the bound for reading a file before judging it. */
export function largestLimit(settings: MediaSettings): number {
  const rules: MediaRule[] = [settings];
  for (const d of MEDIA_DIRECTIONS) rules.push(settings[d] ?? {});
  for (const own of Object.values(settings.connectors)) {
    rules.push(own);
    for (const d of MEDIA_DIRECTIONS) rules.push(own[d] ?? {});
  }
  return Math.max(...rules.map((r) => r.max_file_size ?? 0));
}

/**
 * The media policy's settings: the `media:` block with its defaults, the size limit falling
 * back to `bridge.max_file_size` (the key from before the media policy, still honoured),
 * and the checks the schema cannot express.
 */
import type { ClamdAddress } from '../media/clamd-client.js';
import { KNOWN_TYPES } from '../media/file-type.js';
import { MEDIA_DIRECTIONS, type LayeredRules, type MediaSettings } from '../media/media-rules.js';
import type { PathSegment } from './paths.js';
import { suggest } from './paths.js';
import type { BridgeConfig, MediaConfig } from './schema.js';

type Add = (segments: PathSegment[], message: string) => void;

/** The policy's settings, defaults filled in. */
export function mediaSettings(config: Pick<BridgeConfig, 'bridge' | 'media'>): MediaSettings {
  const media: MediaConfig = config.media ?? {};
  const { scanner, ...rules } = media;
  const settings: MediaSettings = {
    ...rules,
    max_file_size: media.max_file_size ?? config.bridge.max_file_size,
    allowed_types: media.allowed_types ?? ['*'],
    connectors: media.connectors ?? {},
  };
  if (scanner) {
    settings.scanner = {
      // checkMedia made sure it is a socket, or a host and a port.
      clamd: scanner.clamd as ClamdAddress,
      timeout_s: scanner.timeout_s ?? 30,
      on_failure: scanner.on_failure ?? 'fail_closed',
    };
  }
  return settings;
}

const FAMILIES = new Set(KNOWN_TYPES.map((t) => `${t.split('/')[0] ?? ''}/*`));

function checkTypes(types: string[] | undefined, at: PathSegment[], add: Add): void {
  types?.forEach((type, i) => {
    if (type === '*' || KNOWN_TYPES.includes(type) || FAMILIES.has(type)) return;
    const close = suggest(type, [...KNOWN_TYPES, ...FAMILIES]);
    add(
      [...at, 'allowed_types', i],
      `"${type}" is not a type the bridge recognises from a file's bytes${close ? ` — did you mean "${close}"?` : ''} (the types are listed in docs/configuration.md, "Media policy")`,
    );
  });
}

function checkLayered(rules: LayeredRules, at: PathSegment[], add: Add): void {
  checkTypes(rules.allowed_types, at, add);
  for (const d of MEDIA_DIRECTIONS) checkTypes(rules[d]?.allowed_types, [...at, d], add);
}

/** Known types only, connectors that exist, and one way to reach clamd. */
export function checkMedia(config: BridgeConfig, add: Add): void {
  const media = config.media;
  if (!media) return;
  checkLayered(media, ['media'], add);
  for (const [id, rules] of Object.entries(media.connectors ?? {})) {
    if (!(id in config.connectors)) {
      const close = suggest(id, Object.keys(config.connectors));
      add(
        ['media', 'connectors', id],
        `no connector "${id}" is configured under connectors:${close ? ` — did you mean "${close}"?` : ''}`,
      );
    }
    checkLayered(rules, ['media', 'connectors', id], add);
  }
  const clamd = media.scanner?.clamd;
  if (!clamd) return;
  const bySocket = clamd.socket !== undefined;
  const byTcp = clamd.host !== undefined || clamd.port !== undefined;
  if (bySocket === byTcp || (byTcp && (clamd.host === undefined || clamd.port === undefined))) {
    add(
      ['media', 'scanner', 'clamd'],
      'give either socket (the path of clamd’s LocalSocket) or both host and port (its TCPAddr and TCPSocket)',
    );
  }
}

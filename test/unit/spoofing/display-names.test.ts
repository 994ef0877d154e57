/**
 * Security class "look-alike names": names crossing the bridge are cleaned (nothing
 * invisible, no direction overrides, one line, bounded) and carry the side they come from,
 * so nobody passes for a colleague on the other side.
 */
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { MAX_DISPLAY_NAME_LENGTH, sanitizeDisplayName } from '../../../src/format/display-name.js';
import { parseMatrixHtml, renderMatrix } from '../../../src/format/index.js';
import { ConnectorRegistry } from '../../../src/core/delivery/deps.js';
import { DEFAULT_NAME_TEMPLATES, DisplayNames } from '../../../src/core/display-names.js';
import { GhostManager } from '../../../src/core/ghosts.js';
import { GhostIdCodec } from '../../../src/core/ids.js';
import type { Connector } from '../../../src/connector/contract.js';
import type { MatrixGateway } from '../../../src/matrix/matrix-gateway.js';
import type { GhostRecord, GhostStore } from '../../../src/store/index.js';

const LONG = 'A'.repeat(300);

describe('sanitizeDisplayName', () => {
  it.each([
    ['plain name', 'Alice Andersson', 'Alice Andersson'],
    ['right-to-left override', 'Alice\u202Ekcals', 'Alicekcals'],
    ['left-to-right override', '\u202DAlice', 'Alice'],
    ['embeddings', '\u202AAl\u202Bice\u202C', 'Alice'],
    ['isolates', '\u2066Al\u2067i\u2068ce\u2069', 'Alice'],
    ['direction marks', '\u200EAlice\u200F\u061C', 'Alice'],
    ['zero-width space', 'Al\u200Bice', 'Alice'],
    ['zero-width joiners', 'A\u200Cl\u200Dice', 'Alice'],
    ['word joiner and BOM', '\u2060Alice\uFEFF', 'Alice'],
    ['soft hyphen', 'Al\u00ADice', 'Alice'],
    ['tag characters', 'Alice\u{E0041}\u{E007F}', 'Alice'],
    ['combining grapheme joiner', 'Al\u034Fice', 'Alice'],
    ['Hangul filler (blank letter)', '\u3164', ''],
    ['Hangul half-width filler', 'Alice\uFFA0', 'Alice'],
    ['braille blank', '\u2800\u2800', ''],
    ['Mongolian vowel separator', 'Ali\u180Ece', 'Alice'],
    ['newline', 'Alice\nAdmin', 'Alice Admin'],
    ['carriage return and tab', 'Alice\r\n\tAdmin', 'Alice Admin'],
    ['line and paragraph separators', 'Alice\u2028Admin\u2029x', 'Alice Admin x'],
    ['NUL and escape', 'Al\u0000ice\u001B[31m', 'Alice[31m'],
    ['DEL and C1 controls', 'Al\u007Fi\u0085ce\u009B', 'Ali ce'],
    ['leading and trailing spaces', '   Alice   ', 'Alice'],
    ['runs of exotic spaces', 'Alice\u00A0\u2003\u3000Andersson', 'Alice Andersson'],
    ['private use', 'Alice\uE000', 'Alice'],
    ['only invisible', '\u200B\u200D\u2060', ''],
    ['combining mark pile', `A${'\u0301'.repeat(40)}lice`, '\u00C1\u0301\u0301\u0301lice'],
    ['decomposed accents (kept, composed)', 'Jose\u0301', 'José'],
    ['emoji with variation selector', 'Alice \u2764\uFE0F', 'Alice \u2764\uFE0F'],
    ['non-Latin letters', 'Алиса 爱丽丝', 'Алиса 爱丽丝'],
  ])('%s', (_, raw, expected) => {
    expect(sanitizeDisplayName(raw)).toBe(expected);
  });

  it('cuts names over the limit at a grapheme boundary, marking the cut', () => {
    const cut = sanitizeDisplayName(LONG);
    expect([...cut]).toHaveLength(MAX_DISPLAY_NAME_LENGTH);
    expect(cut.endsWith('…')).toBe(true);
    const flags = sanitizeDisplayName('🇸🇪'.repeat(100));
    expect(flags.endsWith('🇸🇪…')).toBe(true);
    expect(sanitizeDisplayName('x'.repeat(MAX_DISPLAY_NAME_LENGTH))).toHaveLength(64);
  });

  it('never returns anything a later step could read as a second line or a direction change', () => {
    const hostile = ['\u202E', '\n', '\r', '\u2028', '\u200B', '\u2066', '\u0000', '\t'];
    for (const a of hostile) {
      for (const b of hostile) {
        expect(sanitizeDisplayName(`Mallory${a}${b}Admin`)).toMatch(/^Mallory ?Admin$/);
      }
    }
  });
});

const platformNames: Record<string, string> = {
  slack: 'Slack',
  teams: 'Microsoft Teams',
  mattermost: 'Mattermost',
};
const names = (settings = DEFAULT_NAME_TEMPLATES) =>
  new DisplayNames(settings, (id) => platformNames[id] ?? id);

describe('DisplayNames', () => {
  it('names ghosts after their platform and Matrix users after Matrix by default', () => {
    expect(names().ghost('slack', 'Alice', 'U1')).toBe('Alice (Slack)');
    expect(names().ghost('teams', 'Alice', 'aad')).toBe('Alice (Microsoft Teams)');
    expect(names().matrixSender('slack', 'Maria', '@maria:hs')).toBe('Maria (Matrix)');
  });

  it('cleans the name before the template, so the suffix cannot be pushed away or reversed', () => {
    expect(names().ghost('slack', `Bob\u202E${LONG}`, 'U1')).toMatch(/^BobA+… \(Slack\)$/);
    expect(names().matrixSender('mattermost', 'Eve\nBoss', '@eve:hs')).toBe('Eve Boss (Matrix)');
  });

  it('falls back to the id when the name is blank or only invisible', () => {
    expect(names().ghost('slack', '\u200B\u3164', 'U123')).toBe('U123 (Slack)');
    expect(names().ghost('slack', undefined, 'U123')).toBe('U123 (Slack)');
    expect(names().matrixSender('slack', '  ', '@maria:hs')).toBe('@maria:hs (Matrix)');
  });

  it('uses per-connector templates where given, the global ones elsewhere', () => {
    const custom = names({
      ghost_displayname_template: '[{platform}] {name}',
      matrix_sender_name_template: '{name} via {platform}',
      connector_name_templates: {
        teams: { ghost_displayname_template: '{name} [MS]' },
        slack: { matrix_sender_name_template: '{name} (M)' },
      },
    });
    expect(custom.ghost('teams', 'Alice', 'x')).toBe('Alice [MS]');
    expect(custom.ghost('slack', 'Alice', 'x')).toBe('[Slack] Alice');
    expect(custom.matrixSender('slack', 'Maria', 'x')).toBe('Maria (M)');
    expect(custom.matrixSender('teams', 'Maria', 'x')).toBe('Maria via Matrix');
  });

  it('does not expand placeholders or replacement patterns found inside the name', () => {
    expect(names().ghost('slack', '{platform} $& $1 {name}', 'U1')).toBe(
      '{platform} $& $1 {name} (Slack)',
    );
  });
});

describe('GhostManager names ghosts through the template', () => {
  function world(initial?: GhostRecord) {
    const records = new Map<string, GhostRecord>();
    if (initial) records.set(initial.userId, initial);
    const setNames: string[] = [];
    const store = {
      get: async (id: string) => records.get(id),
      upsert: async (g: GhostRecord) => void records.set(g.userId, { ...g }),
    } as unknown as GhostStore;
    const gateway = {
      intent: () => ({
        ensureRegistered: async () => undefined,
        setDisplayName: async (n: string) => void setNames.push(n),
        setAvatarUrl: async () => undefined,
      }),
      upload: async () => 'mxc://hs/a',
    } as unknown as MatrixGateway;
    const connector = {
      getUserInfo: async () => ({ displayName: 'Alice\u202E Andersson\u200B' }),
    } as unknown as Connector;
    const registry = new ConnectorRegistry();
    registry.add({
      id: 'slack',
      displayName: 'Slack',
      connector,
      capabilities: {} as never,
    });
    const ghosts = new GhostManager(
      store,
      gateway,
      new GhostIdCodec('_b_', 'hs'),
      registry,
      pino({ level: 'silent' }),
      new DisplayNames(DEFAULT_NAME_TEMPLATES, () => 'Slack'),
    );
    return { ghosts, records, setNames };
  }

  it('a new ghost gets the cleaned, templated name', async () => {
    const w = world();
    const id = await w.ghosts.ensure('slack', 'w1', 'U1');
    expect(w.setNames).toEqual(['Alice Andersson (Slack)']);
    expect(w.records.get(id)?.displayName).toBe('Alice Andersson (Slack)');
  });

  it('an existing ghost with an old, untemplated name is renamed at its next refresh', async () => {
    const codec = new GhostIdCodec('_b_', 'hs');
    const userId = codec.encode({ connector: 'slack', workspace: 'w1', userId: 'U1' });
    const w = world({
      userId,
      connector: 'slack',
      workspace: 'w1',
      remoteUserId: 'U1',
      displayName: 'Alice Andersson',
      avatarId: null,
      avatarMxc: null,
      profileSyncedAt: Date.now() - 2 * 24 * 60 * 60 * 1000,
    });
    await w.ghosts.ensure('slack', 'w1', 'U1');
    expect(w.setNames).toEqual(['Alice Andersson (Slack)']);
  });
});

describe('names inside mentions are cleaned too', () => {
  it.each([
    ['Bo\u202Eb', 'Bob'],
    ['Bob\nAdmin', 'Bob Admin'],
    ['\u200B\u2066Bob\u2069', 'Bob'],
    ['\u3164', '@a:hs.example'],
  ])('a Matrix pill labelled %j reaches the platforms as %j', (label, expected) => {
    const text = parseMatrixHtml(`<a href="https://matrix.to/#/@a:hs.example">${label}</a>`);
    expect(text.blocks[0]).toEqual({
      type: 'paragraph',
      children: [
        { type: 'mention', target: { kind: 'matrix', userId: '@a:hs.example' }, text: expected },
      ],
    });
  });

  it('a platform mention name reaches Matrix cleaned', () => {
    const r = renderMatrix(
      {
        blocks: [
          {
            type: 'paragraph',
            children: [
              {
                type: 'mention',
                target: { kind: 'remote', connector: 'slack', workspace: 'w', userId: 'U1' },
                text: 'Bo\u202Eb\u200B',
              },
            ],
          },
        ],
      },
      { userIdFor: () => '@ghost:hs.example' },
    );
    expect(r.body).toBe('Bob');
    expect(r.formatted_body).toBe('<a href="https://matrix.to/#/@ghost:hs.example">Bob</a>');
  });
});

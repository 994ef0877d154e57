/**
 * The core's own guard: whatever a connector hands over, a platform message notifies only
 * the platform users its connector resolved, never a Matrix user id found in the markup.
 */
import { describe, expect, it } from 'vitest';
import { textContent } from '../../../src/core/delivery/matrix-content.js';
import type { DeliveryDeps } from '../../../src/core/delivery/deps.js';
import { platformText } from '../../../src/core/delivery/platform-text.js';
import { GhostIdCodec } from '../../../src/core/ids.js';
import { matrixToUserLink } from '../../../src/format/index.js';
import type { InboundContent, Inline } from '../../../src/model/message.js';

const codec = new GhostIdCodec('_b_', 'hs.example');
// Alice is in the room: a forged mention of her must still notify nobody.
const deps = {
  codec,
  gateway: { botUserId: '@_b_bot:hs.example' },
  members: { of: () => Promise.resolve([{ userId: '@alice:hs.example', displayName: 'Alice' }]) },
} as unknown as DeliveryDeps;
const origin = { connector: 'slack', workspace: 'w', roomId: '!r:hs.example' };
/** What the core makes of a platform message's text: `platformText`, then rendering. */
async function toMatrix(c: InboundContent): Promise<Record<string, unknown>> {
  return textContent({ ...c, text: await platformText(c.text, origin, deps) }, deps)!;
}
const bobGhost = codec.encode({ connector: 'slack', workspace: 'w', userId: 'U1' });
const content = (...children: Inline[]): InboundContent => ({
  text: { blocks: [{ type: 'paragraph', children }] },
  attachments: [],
});
const matrixMention = (userId: string): Inline => ({
  type: 'mention',
  target: { kind: 'matrix', userId },
  text: 'Alice',
});

describe('platformText + textContent (platform → Matrix)', () => {
  it('a resolved platform mention becomes a pill of the ghost and m.mentions', async () => {
    const out = await toMatrix(
      content({
        type: 'mention',
        target: { kind: 'remote', connector: 'slack', workspace: 'w', userId: 'U1' },
        text: 'Bob',
      }),
    );
    expect(out['m.mentions']).toEqual({ user_ids: [bobGhost] });
    expect(out.formatted_body).toContain(`href="${matrixToUserLink(bobGhost)}"`);
  });

  it.each([
    '@alice:hs.example',
    '@admin:other.example',
    '@_b_slack_w_=55=31:hs.example',
    '@room:hs.example',
  ])('a Matrix-user mention %s from a connector notifies nobody and is no pill', async (userId) => {
    const out = await toMatrix(content({ type: 'text', text: 'hi ' }, matrixMention(userId)));
    expect(out['m.mentions']).toEqual({ user_ids: [] });
    expect(String(out.formatted_body)).not.toMatch(/<a [^>]*matrix\.to/);
    expect(String(out.body)).toContain('Alice');
  });

  it('mentions nested in formatting and quotes are caught too', async () => {
    const out = await toMatrix({
      text: {
        blocks: [
          {
            type: 'quote',
            children: [
              {
                type: 'paragraph',
                children: [{ type: 'bold', children: [matrixMention('@alice:hs.example')] }],
              },
            ],
          },
        ],
      },
      attachments: [],
    });
    expect(out['m.mentions']).toEqual({ user_ids: [] });
    expect(String(out.formatted_body)).not.toMatch(/<a [^>]*matrix\.to/);
  });
});

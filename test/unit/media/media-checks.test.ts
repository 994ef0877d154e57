/**
 * The media policy where files cross in the core: between platforms (per target, both
 * platforms' rules), and the notice a platform sender gets. Matrix to platform and platform
 * to Matrix are covered end to end (test/e2e/media-policy.test.ts).
 */
import { describe, expect, it } from 'vitest';
import type { DeliveryDeps } from '../../../src/core/delivery/deps.js';
import {
  refuseFilesTo,
  relayedFor,
  senderNoticeText,
  type PlatformOrigin,
  type RefusedFile,
} from '../../../src/core/delivery/media-checks.js';
import { MediaGate } from '../../../src/core/delivery/media-gate.js';
import type { RemoteSide } from '../../../src/core/delivery/sides.js';
import { MediaPolicy } from '../../../src/media/media-policy.js';
import { MediaRefusedError } from '../../../src/media/media-refusal.js';
import type { MediaSettings } from '../../../src/media/media-rules.js';
import { plainText, type OutboundContent } from '../../../src/model/message.js';
import type { AuditInput, AuditStore } from '../../../src/store/audit-store.js';
import { silentLogger } from '../../../src/util/logger.js';
import { ELF, TYPED_FILES } from '../../fixtures/files.js';

const PDF = TYPED_FILES.find((f) => f.type === 'application/pdf')?.bytes ?? Buffer.alloc(0);
const PNG = TYPED_FILES.find((f) => f.type === 'image/png')?.bytes ?? Buffer.alloc(0);

function world(settings: Partial<MediaSettings>) {
  const audited: AuditInput[] = [];
  const audit = { record: (e: AuditInput) => Promise.resolve(audited.push(e)) };
  const policy = new MediaPolicy(
    { max_file_size: 10_000, allowed_types: ['*'], connectors: {}, ...settings },
    silentLogger(),
  );
  const media = new MediaGate(policy, audit as unknown as AuditStore, silentLogger());
  return { deps: { media } as unknown as DeliveryDeps, audited };
}

const side = (id: string, name: string): RemoteSide =>
  ({
    side: `${id}/ws/c`,
    ref: { workspace: 'ws', channel: 'c' },
    conn: { id, displayName: name },
  }) as unknown as RemoteSide;

const origin: PlatformOrigin = {
  connectorId: 'slack',
  ref: { workspace: 'team', channel: 'C1' },
  sender: 'slack/team/U1',
  roomId: '!r:x',
};

const content = (): OutboundContent => ({
  text: plainText('see attached'),
  attachments: [
    { kind: 'file', name: 'report.pdf', data: PDF },
    { kind: 'image', name: 'cat.png', data: ELF },
    { kind: 'image', name: 'map.png', data: PNG },
  ],
});

describe('files relayed between platforms', () => {
  const { deps, audited } = world({
    allowed_types: ['image/*', 'application/pdf'],
    connectors: { teams: { between_platforms: { allowed_types: ['application/pdf'] } } },
  });

  it('keeps for each target only what both platforms allow, with a note per refused file', async () => {
    const refused: RefusedFile[] = [];
    const relayed = content();
    const toTeams = await relayedFor(
      relayed,
      side('teams', 'Microsoft Teams'),
      origin,
      refused,
      deps,
    );
    const toMattermost = await relayedFor(
      relayed,
      side('mattermost', 'Mattermost'),
      origin,
      refused,
      deps,
    );
    expect(toTeams.content.attachments.map((a) => a.name)).toEqual(['report.pdf']);
    expect(toMattermost.content.attachments.map((a) => a.name)).toEqual(['report.pdf', 'map.png']);
    expect(toTeams.notes).toHaveLength(2);
    expect(toTeams.notes[0]).toMatch(
      /^\(file “cat\.png” was not bridged: files of type application\/x-executable/,
    );
    expect(refused.map((r) => `${r.name} to ${r.where}`)).toEqual([
      'cat.png to Microsoft Teams',
      'map.png to Microsoft Teams',
      'cat.png to Mattermost',
    ]);
    expect(audited.map((a) => [a.actor, a.connector, a.path, a.action])).toEqual([
      ['slack/team/U1', 'teams', 'delivery', 'media_refused'],
      ['slack/team/U1', 'teams', 'delivery', 'media_refused'],
      ['slack/team/U1', 'mattermost', 'delivery', 'media_refused'],
    ]);
    expect(audited[0]?.detail).toContain('direction=between_platforms');
    expect(audited.map((a) => a.detail).join(' ')).not.toContain('cat.png');
  });

  it('tells the sender once, naming each file and where it did not go', () => {
    const refusal = {
      reason: 'infected',
      type: 'text/plain',
      size: 68,
      signature: 'Eicar',
    } as const;
    const text = senderNoticeText([
      { name: 'a.txt', where: 'Matrix', refusal },
      {
        name: 'b\n\u202etxt.exe',
        where: 'Slack',
        refusal: { ...refusal, reason: 'too_large', limit: 10 },
      },
    ]);
    expect(text.split('\n')).toEqual([
      '⚠️ Some of your files were not delivered:',
      '• “a.txt” to Matrix: the virus scanner found Eicar in the file, so it was not delivered; tell your IT security.',
      '• “b txt.exe” to Slack: the file is 68 bytes, over the limit of 10 bytes for files crossing here; share a link instead.',
    ]);
  });
});

describe('files from Matrix to a platform', () => {
  it('fail the side with a refusal whose message is for the sender', async () => {
    const { deps, audited } = world({
      connectors: { slack: { to_platform: { allowed_types: ['image/*'] } } },
    });
    const err = await refuseFilesTo(
      content(),
      side('slack', 'Slack'),
      '@maria:x',
      '!r:x',
      deps,
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MediaRefusedError);
    expect((err as MediaRefusedError).code).toBe('MEDIA_TYPE_NOT_ALLOWED');
    expect(audited).toHaveLength(1);
    await expect(
      refuseFilesTo(content(), side('mattermost', 'Mattermost'), '@maria:x', '!r:x', deps),
    ).resolves.toBeUndefined();
  });
});

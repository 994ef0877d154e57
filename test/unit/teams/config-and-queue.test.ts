import { describe, expect, it } from 'vitest';
import { RemoteApiError } from '../../../src/connector/errors.js';
import { connectorValidate } from '../../../src/config/validate.js';
import { ChannelSerializer } from '../../../src/connector/channel-serializer.js';
import { RatePacer, type BucketLimit } from '../../../src/connector/rate-pacer.js';
import {
  configSchema,
  DEFAULTS,
  resolveConfig,
  trustedServiceUrl,
} from '../../../connectors/teams/config.js';
import {
  BOT_LIMITS,
  BOT_WINDOWS,
  GRAPH_POST_LIMITS,
  GRAPH_POST_WINDOWS,
} from '../../../connectors/teams/rate-limits.js';
import {
  kindOf,
  parseFileId,
  shareFileId,
  hostedFileId,
  splitConversationId,
} from '../../../connectors/teams/ids.js';

const GUID = '0f8fad5b-d9cb-469f-a165-70867728950e';

describe('config', () => {
  const validate = connectorValidate('teams', configSchema);

  it('accepts a minimal block and fills the Microsoft cloud defaults', () => {
    const block: Record<string, unknown> = {
      workspaces: { contoso: { tenant_id: GUID, app_id: GUID, app_password: 'secret' } },
    };
    expect(validate(block)).toBe(true);
    expect(block).toMatchObject({
      login_url: 'https://login.microsoftonline.com',
      graph_url: 'https://graph.microsoft.com/v1.0',
      service_url_hosts: DEFAULTS.service_url_hosts,
      catchup: { interval_seconds: 300, settle_seconds: 10 },
    });
    expect(
      resolveConfig({ workspaces: { c: { tenant_id: GUID, app_id: GUID, app_password: 'x' } } })
        .default_service_url,
    ).toBe('https://smba.trafficmanager.net/teams/');
  });

  it('refuses wrong ids, short keys, plain-http endpoints and unknown keys', () => {
    const bad = [
      {
        workspaces: {
          contoso: { tenant_id: 'contoso.onmicrosoft.com', app_id: GUID, app_password: 'x' },
        },
      },
      {
        workspaces: {
          contoso: {
            tenant_id: GUID,
            app_id: GUID,
            app_password: 'x',
            token_encryption_key: 'short',
          },
        },
      },
      {
        workspaces: { contoso: { tenant_id: GUID, app_id: GUID, app_password: 'x' } },
        graph_url: 'http://graph.example',
      },
      {
        workspaces: { contoso: { tenant_id: GUID, app_id: GUID, app_password: 'x' } },
        unexpected: true,
      },
      { workspaces: {} },
    ];
    for (const b of bad) expect([b, validate(b)]).toEqual([b, false]);
  });

  it('trusts only https service URLs on the listed hosts', () => {
    const hosts = [...DEFAULTS.service_url_hosts, '*.example.net'];
    expect(trustedServiceUrl('https://smba.trafficmanager.net/amer/', hosts)).toBe(true);
    expect(trustedServiceUrl('https://a.b.example.net/x/', hosts)).toBe(true);
    expect(trustedServiceUrl('http://smba.trafficmanager.net/amer/', hosts)).toBe(false);
    expect(trustedServiceUrl('https://smba.trafficmanager.net.evil.example/', hosts)).toBe(false);
    expect(trustedServiceUrl('https://user:pw@smba.trafficmanager.net/', hosts)).toBe(false);
    expect(trustedServiceUrl('not a url', hosts)).toBe(false);
  });
});

describe('ids', () => {
  it('splits thread conversation ids and tells conversation kinds apart', () => {
    expect(splitConversationId('19:abc@thread.tacv2;messageid=1700000000000')).toEqual({
      channel: '19:abc@thread.tacv2',
      root: '1700000000000',
    });
    expect(splitConversationId('19:abc@thread.v2')).toEqual({
      channel: '19:abc@thread.v2',
      root: undefined,
    });
    expect(
      ['19:a@thread.tacv2', '19:a@thread.skype', '19:a@thread.v2', 'a:1xyz'].map(kindOf),
    ).toEqual(['channel', 'channel', 'groupChat', 'personal']);
  });

  it('only ever turns file ids into Graph requests', () => {
    const graph = 'https://graph.microsoft.com/v1.0';
    expect(parseFileId(shareFileId('https://contoso.sharepoint.com/sites/x/a.pdf'))).toEqual({
      kind: 'share',
      url: 'https://contoso.sharepoint.com/sites/x/a.pdf',
    });
    expect(parseFileId(shareFileId('http://169.254.169.254/latest'))).toBeUndefined();
    const hc = hostedFileId(
      `${graph}/chats/19:x@thread.v2/messages/17/hostedContents/aGk=/$value`,
      graph,
    )!;
    expect(parseFileId(hc)).toEqual({
      kind: 'hosted',
      path: '/chats/19:x@thread.v2/messages/17/hostedContents/aGk=/$value',
    });
    expect(
      hostedFileId('https://evil.example/v1.0/chats/x/messages/1/hostedContents/a/$value', graph),
    ).toBeUndefined();
    expect(hostedFileId(`${graph}/users/x/photo/$value`, graph)).toBeUndefined();
    expect(parseFileId('hc:/me/drive/root/children')).toBeUndefined();
    expect(parseFileId('whatever')).toBeUndefined();
  });
});

describe('send pacing', () => {
  /** Times at which `count` back-to-back sends go out under `limits`, on a fake clock. */
  async function sendTimes(limits: BucketLimit[], count: number): Promise<number[]> {
    let now = 0;
    const pacer = new RatePacer({
      limits,
      label: 'Teams',
      maxWaitMs: Number.MAX_SAFE_INTEGER,
      now: () => now,
      sleep: async (ms) => void (now += ms),
    });
    const times: number[] = [];
    for (let i = 0; i < count; i++) {
      await pacer.take('conversation');
      times.push(now);
    }
    return times;
  }

  it.each([
    ['Bot Connector', BOT_LIMITS, BOT_WINDOWS, 2000],
    ['Graph POSTs', GRAPH_POST_LIMITS, GRAPH_POST_WINDOWS, 200],
  ])('%s pacing keeps every window Teams counts', async (_what, limits, windows, count) => {
    const times = await sendTimes(limits, count);
    for (const { limit, windowMs } of windows) {
      // No `limit + 1` sends inside one window: the (i + limit)th is a full window later.
      for (let i = 0; i + limit < times.length; i++)
        expect(times[i + limit]! - times[i]!).toBeGreaterThanOrEqual(windowMs);
    }
  });

  it('Bot Connector pacing still lets a burst through at once', async () => {
    const times = await sendTimes(BOT_LIMITS, 4);
    expect(times).toEqual([0, 0, 0, 0]);
  });

  it('hands a 429 back to the core once and holds the conversation for its Retry-After', async () => {
    const queue = new ChannelSerializer();
    const pacer = new RatePacer({ limits: BOT_LIMITS, label: 'Teams' });
    let calls = 0;
    const refused = new RemoteApiError({
      message: 'slow down',
      status: 429,
      retryable: true,
      retryAfterMs: 300,
    });
    const t0 = Date.now();
    const send = () =>
      queue.run('c', () =>
        pacer.run('c', async () => {
          calls++;
          if (calls === 1) throw refused;
          return calls;
        }),
      );
    await expect(send()).rejects.toBe(refused);
    expect(calls).toBe(1);
    await expect(send()).resolves.toBe(2);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
  });
});

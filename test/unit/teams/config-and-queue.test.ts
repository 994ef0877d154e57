import { describe, expect, it } from 'vitest';
import { RemoteApiError } from '../../../src/connector/errors.js';
import { connectorValidate } from '../../../src/config/validate.js';
import { silentLogger } from '../../../src/util/logger.js';
import {
  configSchema,
  DEFAULTS,
  resolveConfig,
  trustedServiceUrl,
} from '../../../connectors/teams/config.js';
import { RateWindows, SendQueue } from '../../../connectors/teams/send-queue.js';
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
  it('books slots that keep every sliding window', () => {
    const w = new RateWindows([
      { limit: 2, windowMs: 1000 },
      { limit: 3, windowMs: 5000 },
    ]);
    const t0 = 1_000_000;
    const waits = [0, 0, 0, 0].map(() => w.reserve('c', t0));
    expect(waits.slice(0, 2)).toEqual([0, 0]);
    expect(waits[2]).toBeGreaterThanOrEqual(1000);
    expect(waits[3]).toBeGreaterThanOrEqual(5000);
    expect(w.reserve('other', t0)).toBe(0);
  });

  it('retries 429/503 in place, keeping order, and hands long waits back to the core', async () => {
    const q = new SendQueue(silentLogger(), { maxWaitMs: 2000 });
    const pace = new RateWindows([{ limit: 100, windowMs: 1000 }]);
    const done: string[] = [];
    let failOnce = true;
    // Before the first run: its 300 ms Retry-After starts inside q.run (a lower bound holds).
    const t0 = Date.now();
    const first = q.run('c', [[pace, 'c']], async () => {
      if (failOnce) {
        failOnce = false;
        throw new RemoteApiError({
          message: 'slow down',
          status: 429,
          retryable: true,
          retryAfterMs: 300,
        });
      }
      done.push('first');
    });
    const second = q.run('c', [[pace, 'c']], async () => void done.push('second'));
    await Promise.all([first, second]);
    expect(done).toEqual(['first', 'second']);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(290);

    const tooLong = new RemoteApiError({
      message: 'later',
      status: 429,
      retryable: true,
      retryAfterMs: 60_000,
    });
    await expect(q.run('c', [], async () => Promise.reject(tooLong))).rejects.toBe(tooLong);
    const permanent = new RemoteApiError({ message: 'no', status: 403, retryable: false });
    await expect(q.run('c', [], async () => Promise.reject(permanent))).rejects.toBe(permanent);
    const network = new RemoteApiError({ message: 'reset', retryable: true });
    await expect(q.run('c', [], async () => Promise.reject(network))).rejects.toBe(network);
  });
});

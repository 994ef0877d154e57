/**
 * The Bot Connector REST API (v3) at a conversation's serviceUrl, called with fetch and an
 * app-only token: send, reply, update and delete activities, start a channel thread, read a
 * member. A 401 renews the token once; errors become RemoteApiError (429/5xx retryable).
 */
import type { AppTokens } from './auth/app-tokens.js';
import { BOT_CONNECTOR_SCOPE } from './auth/app-tokens.js';
import { readJson, responseError, unreachable, type Fetch } from './http.js';

export type Activity = Record<string, unknown>;

export interface TeamsMember {
  id: string;
  name?: string;
  aadObjectId?: string;
  email?: string;
  userPrincipalName?: string;
}

const SERVICE = 'The Bot Connector service';

export class BotConnector {
  constructor(
    private readonly tokens: AppTokens,
    private readonly doFetch: Fetch,
  ) {}

  private url(serviceUrl: string, path: string): string {
    return `${serviceUrl.replace(/\/*$/, '/')}v3/${path}`;
  }

  private async call(method: string, url: string, body?: unknown): Promise<unknown> {
    for (let attempt = 0; ; attempt++) {
      const token = await this.tokens.get(BOT_CONNECTOR_SCOPE);
      let res;
      try {
        res = await this.doFetch(url, {
          method,
          headers: {
            authorization: `Bearer ${token}`,
            'content-type': 'application/json; charset=utf-8',
          },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
      } catch (err) {
        throw unreachable(SERVICE, err);
      }
      const data = await readJson(res);
      if (res.ok) return data;
      if (res.status === 401 && attempt === 0) {
        this.tokens.invalidate(BOT_CONNECTOR_SCOPE);
        continue;
      }
      throw responseError(SERVICE, res, data);
    }
  }

  private static id(data: unknown): string {
    const id = (data as { id?: unknown } | undefined)?.id;
    if (typeof id !== 'string' || id === '')
      throw new Error('the Bot Connector answered without an activity id');
    return id;
  }

  async send(serviceUrl: string, conversationId: string, activity: Activity): Promise<string> {
    const url = this.url(
      serviceUrl,
      `conversations/${encodeURIComponent(conversationId)}/activities`,
    );
    return BotConnector.id(await this.call('POST', url, activity));
  }

  async update(
    serviceUrl: string,
    conversationId: string,
    activityId: string,
    activity: Activity,
  ): Promise<void> {
    const path = `conversations/${encodeURIComponent(conversationId)}/activities/${encodeURIComponent(activityId)}`;
    await this.call('PUT', this.url(serviceUrl, path), { ...activity, id: activityId });
  }

  async delete(serviceUrl: string, conversationId: string, activityId: string): Promise<void> {
    const path = `conversations/${encodeURIComponent(conversationId)}/activities/${encodeURIComponent(activityId)}`;
    await this.call('DELETE', this.url(serviceUrl, path));
  }

  async member(serviceUrl: string, conversationId: string, memberId: string): Promise<TeamsMember> {
    const path = `conversations/${encodeURIComponent(conversationId)}/members/${encodeURIComponent(memberId)}`;
    return (await this.call('GET', this.url(serviceUrl, path))) as TeamsMember;
  }
}

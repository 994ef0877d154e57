/**
 * The Graph calls the connector makes, on one token provider (app-only, or a linked user's
 * delegated token): users and photos, teams/channels/chats, message history for catch-up,
 * single messages, file bytes (hosted contents, sharing URLs), uploads, and — delegated
 * only — posting, editing, deleting and reacting.
 */
import { ResponseType, type Client } from '@microsoft/microsoft-graph-client';
import {
  type Download,
  parseRetryAfter,
  readCapped,
  RemoteApiError,
} from '../../src/connector/index.js';
import type { GraphPlace } from './directory.js';
import { createGraphClient, graphFailure } from './graph-client.js';
import type { GraphReadPacing } from './graph-pacing.js';
import type { Fetch } from './http.js';

export interface GraphIdentity {
  id: string;
  displayName?: string | null;
}

export interface GraphMessage {
  id: string;
  replyToId?: string | null;
  messageType?: string;
  createdDateTime: string;
  lastModifiedDateTime?: string | null;
  lastEditedDateTime?: string | null;
  deletedDateTime?: string | null;
  from?: { user?: GraphIdentity | null; application?: GraphIdentity | null } | null;
  body: { contentType?: string; content?: string | null };
  attachments?: Array<{
    id?: string | null;
    contentType?: string | null;
    contentUrl?: string | null;
    name?: string | null;
  }>;
  mentions?: Array<{
    id: number;
    mentionText?: string;
    mentioned?: { user?: GraphIdentity | null; conversation?: { id: string } | null };
  }>;
  reactions?: Array<{
    reactionType: string;
    createdDateTime: string;
    user?: { user?: GraphIdentity | null };
  }>;
}

export interface GraphChannel {
  id: string;
  displayName: string;
  description?: string | null;
  /** `standard` (the whole team), `private` or `shared`. */
  membershipType?: string | null;
}

/** A conversation member; `userId` is the AAD object id of a user member. */
export interface GraphMember {
  id: string;
  userId?: string | null;
  displayName?: string | null;
}

export interface DriveItem {
  id: string;
  name: string;
  webUrl: string;
  eTag: string;
  parentReference?: { driveId?: string };
}

interface Page<T> {
  value: T[];
  '@odata.nextLink'?: string;
}

const MAX_PAGES = 50;

export class GraphApi {
  readonly client: Client;

  /** `onUnauthorized` drops the cached token when Graph answers 401; the call is then tried once more. */
  constructor(
    graphUrl: string,
    doFetch: Fetch,
    token: () => Promise<string>,
    private readonly onUnauthorized?: () => void,
    reads?: GraphReadPacing,
  ) {
    this.client = createGraphClient({ graphUrl, doFetch, token, reads });
  }

  private async run<T>(what: string, op: (c: Client) => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await op(this.client);
      } catch (err) {
        const failure = graphFailure(err, what);
        if (failure.status === 401 && this.onUnauthorized && attempt === 0) {
          this.onUnauthorized();
          continue;
        }
        throw failure;
      }
    }
  }

  get<T>(path: string, what: string): Promise<T> {
    return this.run(what, (c) => c.api(path).get() as Promise<T>);
  }

  /**
   * Every page of a collection, at most `maxPages` (catch-up reads have no bound: what they
   * leave out would be skipped when the cursor moves).
   */
  async all<T>(
    first: string,
    what: string,
    query: (r: ReturnType<Client['api']>) => ReturnType<Client['api']> = (r) => r,
    maxPages = MAX_PAGES,
  ): Promise<T[]> {
    const out: T[] = [];
    let page = await this.run(what, (c) => query(c.api(first)).get() as Promise<Page<T>>);
    for (let i = 0; ; i++) {
      out.push(...page.value);
      const next = page['@odata.nextLink'];
      if (!next || i >= maxPages) return out;
      page = await this.run(what, (c) => c.api(next).get() as Promise<Page<T>>);
    }
  }

  user(id: string): Promise<{ id: string; displayName?: string | null }> {
    return this.get(`/users/${encodeURIComponent(id)}`, 'a user profile');
  }

  me(): Promise<{ id: string; displayName?: string | null }> {
    return this.get('/me', 'the signed-in user');
  }

  /** The photo's etag, or undefined when the user has none. */
  async photoTag(id: string): Promise<string | undefined> {
    try {
      const meta = await this.get<Record<string, unknown>>(
        `/users/${encodeURIComponent(id)}/photo`,
        'a profile photo',
      );
      return String(meta['@odata.mediaEtag'] ?? meta.id ?? 'photo').replace(/"/g, '');
    } catch (err) {
      if (err instanceof RemoteApiError && err.status === 404) return undefined;
      throw err;
    }
  }

  photo(id: string, maxBytes: number): Promise<Download> {
    return this.bytes(`/users/${encodeURIComponent(id)}/photo/$value`, maxBytes, 'a profile photo');
  }

  /** Raw bytes of a Graph path (or absolute Graph URL), refusing bodies over `maxBytes`. */
  async bytes(path: string, maxBytes: number, what: string): Promise<Download> {
    return this.run(what, async (c) => {
      // RAW hands back error responses too: classify them here so 401/429 are handled like the rest.
      const res = (await c.api(path).responseType(ResponseType.RAW).get()) as Response;
      if (!res.ok) {
        await res.body?.cancel();
        const retryAfterMs = parseRetryAfter(res.headers.get('retry-after'));
        const message = `Microsoft Graph answered ${res.status} for ${what}`;
        throw RemoteApiError.fromStatus(res.status, message, retryAfterMs);
      }
      const data = await readCapped(res, maxBytes);
      return {
        data,
        mimetype: res.headers.get('content-type')?.split(';')[0] ?? 'application/octet-stream',
      };
    });
  }

  teams(): Promise<Array<{ id: string; displayName: string }>> {
    return this.all('/teams', 'the list of teams');
  }

  channels(teamId: string): Promise<GraphChannel[]> {
    return this.all(`/teams/${teamId}/channels`, 'the channels of a team');
  }

  channel(teamId: string, channelId: string): Promise<GraphChannel> {
    return this.get(`/teams/${teamId}/channels/${encodeURIComponent(channelId)}`, 'a channel');
  }

  /** Members of a channel (a standard channel's are its team's). */
  channelMembers(teamId: string, channelId: string): Promise<GraphMember[]> {
    return this.all(
      `/teams/${teamId}/channels/${encodeURIComponent(channelId)}/members`,
      'the members of a channel',
    );
  }

  chatMembers(chatId: string): Promise<GraphMember[]> {
    return this.all(`/chats/${encodeURIComponent(chatId)}/members`, 'the members of a chat');
  }

  chat(chatId: string): Promise<{ id: string; topic?: string | null; chatType?: string }> {
    return this.get(`/chats/${encodeURIComponent(chatId)}`, 'a chat');
  }

  /** Root messages of a channel changed after `since` (delta query), oldest change first. */
  channelChanges(teamId: string, channelId: string, since: number): Promise<GraphMessage[]> {
    return this.all(
      `/teams/${teamId}/channels/${encodeURIComponent(channelId)}/messages/delta`,
      'channel history',
      (r) => r.filter(`lastModifiedDateTime gt ${new Date(since).toISOString()}`).top(50),
      Number.POSITIVE_INFINITY,
    );
  }

  replies(teamId: string, channelId: string, rootId: string): Promise<GraphMessage[]> {
    return this.all(
      `/teams/${teamId}/channels/${encodeURIComponent(channelId)}/messages/${rootId}/replies`,
      'thread replies',
      (r) => r.top(50),
      Number.POSITIVE_INFINITY,
    );
  }

  chatChanges(chatId: string, since: number): Promise<GraphMessage[]> {
    return this.all(
      `/chats/${encodeURIComponent(chatId)}/messages`,
      'chat history',
      (r) =>
        r
          .filter(`lastModifiedDateTime gt ${new Date(since).toISOString()}`)
          .orderby('lastModifiedDateTime desc')
          .top(50),
      Number.POSITIVE_INFINITY,
    );
  }

  /** Messages of a conversation changed after `since` (in a channel, its thread roots). */
  changes(place: GraphPlace, since: number): Promise<GraphMessage[]> {
    return 'chatId' in place
      ? this.chatChanges(place.chatId, since)
      : this.channelChanges(place.teamId, place.channel, since);
  }

  filesFolder(teamId: string, channelId: string): Promise<DriveItem> {
    return this.get(
      `/teams/${teamId}/channels/${encodeURIComponent(channelId)}/filesFolder`,
      'the channel files folder',
    );
  }

  /** Simple upload; a name already taken gets a new one (conflictBehavior rename). */
  upload(parentPath: string, name: string, data: Buffer, mimetype: string): Promise<DriveItem> {
    const safe = name.replace(/[\\/:*?"<>|#%]/g, '_').slice(0, 200) || 'file';
    return this.run(
      'a file upload',
      (c) =>
        c
          // A folder by id (`…/items/{id}`) or by path (`…/root:/folder`).
          .api(
            parentPath.includes('root:/')
              ? `${parentPath}/${encodeURIComponent(safe)}:/content`
              : `${parentPath}:/${encodeURIComponent(safe)}:/content`,
          )
          .query({ '@microsoft.graph.conflictBehavior': 'rename' })
          .header('content-type', mimetype)
          .put(data) as Promise<DriveItem>,
    );
  }

  post<T>(path: string, body: unknown, what: string): Promise<T> {
    return this.run(what, (c) => c.api(path).post(body) as Promise<T>);
  }

  patch(path: string, body: unknown, what: string): Promise<void> {
    return this.run(what, async (c) => void (await c.api(path).patch(body)));
  }
}

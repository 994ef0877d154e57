/**
 * Sending as a Matrix user who linked their Microsoft account: Graph with their delegated
 * token posts, edits, deletes and reacts as them. Files go to the channel's SharePoint folder
 * (or the user's OneDrive for chats) and are attached by reference; images are hosted
 * contents. The bridge remembers which messages it posted for whom, so an edit or delete
 * later (even after a restart) goes through the same account.
 */
import {
  type OutboundMessage,
  ReactionUnavailableError,
  RemoteApiError,
} from '../../src/connector/index.js';
import type { LinkedAccount } from './auth/account-links.js';
import type { TeamsDeps } from './deps.js';
import { keyToTeamsReaction } from './format/index.js';
import { GraphApi, type DriveItem } from './graph.js';
import { type GraphPlace, messagePath, postPath } from './directory.js';
import { graphParts, tenantMentions, type GraphPart } from './outbound.js';
import { markerHtml, SendLedger } from './send-ledger.js';

const HOSTED_IMAGE_MAX = 3 * 1024 * 1024;
const CHAT_FILES_FOLDER = '/me/drive/root:/Microsoft Teams Chat Files';

export class PuppetSender {
  /** What was posted per idempotency key, durably, so a retry after a crash does not post twice. */
  private readonly ledger: SendLedger;

  constructor(private readonly d: TeamsDeps) {
    this.ledger = new SendLedger(d);
  }

  /**
   * Graph as the linked user. No retries inside the client: a retried POST could post twice;
   * the core's delivery retry decides (429/503 with Retry-After, through the send ledger) and
   * a 401 renews the token once.
   */
  private graphFor(matrixUserId: string): GraphApi {
    const links = this.d.links!;
    return new GraphApi(
      this.d.config.graph_url,
      this.d.doFetch,
      async () => {
        const account = await links.token(matrixUserId);
        if (!account) {
          throw new RemoteApiError({
            message: 'the Microsoft account link has ended',
            retryable: false,
            code: 'TEAMS_LINK_ENDED',
          });
        }
        return account.accessToken;
      },
      () => links.invalidate(matrixUserId),
      { pacer: this.d.graphReads, key: `user:${matrixUserId}` },
    );
  }

  private postedKey(messageId: string): string {
    return `posted:${this.d.workspace}:${messageId}`;
  }

  /** The Matrix user whose account posted `messageId`, if the bridge posted it as a linked user. */
  async poster(messageId: string): Promise<string | undefined> {
    return (await this.d.ctx.storage.get(this.postedKey(messageId))) || undefined;
  }

  async send(
    channel: string,
    root: string | undefined,
    message: OutboundMessage,
    account: LinkedAccount,
  ): Promise<string[]> {
    const loc = await this.d.directory.requirePlace(channel);
    const graph = this.graphFor(message.sender.userId);
    const parts: GraphPart[] = graphParts(
      message,
      tenantMentions(this.d.connectorId, this.d.workspace),
    );
    const files = await this.files(loc, graph, message);
    if (parts.length === 0)
      parts.push({ body: { contentType: 'html', content: '' }, mentions: [] });
    const last = parts[parts.length - 1]!;
    last.body.content += files.html;
    const ids: string[] = [];
    let threadRoot = root;
    for (const [i, part] of parts.entries()) {
      const key = message.idempotencyKey;
      const body: Record<string, unknown> = {
        ...part,
        body: { ...part.body, content: part.body.content + markerHtml(key, i) },
      };
      if (i === parts.length - 1) Object.assign(body, files.fields);
      const id = await this.ledger.post(key, i, { channel, root: threadRoot }, async () => {
        const posted = await this.d.echoes.track(
          channel,
          this.d.queue.run(channel, () =>
            this.d.graphRate.run('graph', () =>
              graph.post<{ id: string }>(postPath(loc, threadRoot), body, 'a message'),
            ),
          ),
        );
        this.d.echoes.messages.add(posted.id);
        return posted.id;
      });
      // Also an id recorded or found from an earlier attempt: it is still the bridge's own.
      this.d.echoes.messages.add(id);
      await this.d.ctx.storage.set(this.postedKey(id), message.sender.userId);
      ids.push(id);
      if ('teamId' in loc) {
        threadRoot ??= id;
        await this.d.threads.remember(id, threadRoot);
      }
    }
    this.d.log.debug(
      { workspace: this.d.workspace, channel, parts: ids.length, as: account.userId },
      'posted as a linked user',
    );
    return ids;
  }

  async edit(channel: string, messageId: string, message: OutboundMessage): Promise<void> {
    const loc = await this.d.directory.requirePlace(channel);
    const [part] = graphParts(
      { ...message, content: { ...message.content, attachments: [] } },
      tenantMentions(this.d.connectorId, this.d.workspace),
    );
    const root = 'teamId' in loc ? await this.d.threads.rootOf(messageId) : undefined;
    this.d.echoes.noteEdit(messageId);
    await this.d.queue.run(channel, () =>
      this.d.graphRate.run('graph', () =>
        this.graphFor(message.sender.userId).patch(
          messagePath(loc, messageId, root),
          part ?? { body: { contentType: 'html', content: '' } },
          'a message edit',
        ),
      ),
    );
  }

  async remove(
    channel: string,
    messageId: string,
    matrixUserId: string,
    account: LinkedAccount,
  ): Promise<void> {
    const loc = await this.d.directory.requirePlace(channel);
    const root = 'teamId' in loc ? await this.d.threads.rootOf(messageId) : undefined;
    const path =
      'chatId' in loc
        ? `/users/${account.userId}/chats/${encodeURIComponent(loc.chatId)}/messages/${messageId}/softDelete`
        : `${messagePath(loc, messageId, root)}/softDelete`;
    this.d.echoes.noteDelete(messageId);
    await this.d.queue.run(channel, () =>
      this.d.graphRate.run('graph', () =>
        this.graphFor(matrixUserId).post(path, {}, 'a message deletion'),
      ),
    );
  }

  async react(
    channel: string,
    messageId: string,
    key: string,
    matrixUserId: string,
    account: LinkedAccount,
    set: boolean,
  ): Promise<void> {
    const reactionType = keyToTeamsReaction(key);
    // A key Teams has no reaction for was never set there: nothing to unset.
    if (!reactionType && !set) return;
    if (!reactionType) throw new ReactionUnavailableError('Microsoft Teams', key);
    const loc = await this.d.directory.requirePlace(channel);
    const root = 'teamId' in loc ? await this.d.threads.rootOf(messageId) : undefined;
    this.d.echoes.noteReaction(messageId, account.userId, reactionType);
    const verb = set ? 'setReaction' : 'unsetReaction';
    await this.d.queue.run(channel, () =>
      this.d.graphRate.run('graph', () =>
        this.graphFor(matrixUserId).post(
          `${messagePath(loc, messageId, root)}/${verb}`,
          { reactionType },
          'a reaction',
        ),
      ),
    );
    const entry = { user: account.userId, reaction: reactionType };
    await this.d.reactions.note({ workspace: this.d.workspace, channel }, messageId, entry, set);
  }

  /** Uploads a message's files; returns the `<attachment>` tags and the attachment/hostedContents fields. */
  private async files(
    loc: GraphPlace,
    graph: GraphApi,
    message: OutboundMessage,
  ): Promise<{ html: string; fields: Record<string, unknown> }> {
    let html = '';
    const attachments: Array<Record<string, unknown>> = [];
    const hostedContents: Array<Record<string, unknown>> = [];
    let folder: string | undefined;
    for (const att of message.content.attachments) {
      const mimetype = att.mimetype ?? 'application/octet-stream';
      if (att.kind === 'image' && att.data.byteLength <= HOSTED_IMAGE_MAX) {
        const temp = String(hostedContents.length + 1);
        hostedContents.push({
          '@microsoft.graph.temporaryId': temp,
          contentBytes: att.data.toString('base64'),
          contentType: mimetype,
        });
        html += `<p><img src="../hostedContents/${temp}/$value" alt="${att.name.replace(/["<>&]/g, '')}"></p>`;
        continue;
      }
      folder ??= await this.folderPath(loc, graph);
      const item: DriveItem = await graph.upload(folder, att.name, att.data, mimetype);
      const guid = /\{([0-9A-Fa-f-]{36})\}/.exec(item.eTag)?.[1];
      if (!guid)
        throw new RemoteApiError({
          message: 'the uploaded file has no eTag GUID',
          retryable: false,
        });
      attachments.push({
        id: guid,
        contentType: 'reference',
        contentUrl: item.webUrl,
        name: item.name,
      });
      html += `<attachment id="${guid}"></attachment>`;
    }
    const fields: Record<string, unknown> = {};
    if (attachments.length > 0) fields.attachments = attachments;
    if (hostedContents.length > 0) fields.hostedContents = hostedContents;
    return { html, fields };
  }

  private async folderPath(loc: GraphPlace, graph: GraphApi): Promise<string> {
    if (!('teamId' in loc)) return CHAT_FILES_FOLDER;
    const folder = await graph.filesFolder(loc.teamId, loc.channel);
    return `/drives/${folder.parentReference?.driveId}/items/${folder.id}`;
  }
}

import type { Client } from '@microsoft/microsoft-graph-client';
import { definition } from '../../connectors/teams/index.js';
import { startTeamsSimulator } from '../../simulators/teams/index.js';
import { graphClient } from '../simulators/teams/helpers.js';
import { runContractSuite } from './suite.js';
import type { ContractTarget, RemoteMessageView } from './target.js';

const SEND = /^POST \/amer\/v3\/conversations\/[^/]+\/activities$/;

const target: ContractTarget = {
  name: 'teams',
  definition: definition as ContractTarget['definition'],
  emoji: { name: 'like', unicode: '👍' },
  bold: (word) => `<strong>${word}</strong>`,
  async setup({ webhookBase }) {
    // The people in the world post faster than Teams' 2/s; the connector keeps to its own pace.
    const sim = await startTeamsSimulator({ graphWrites: [{ limit: 50, windowMs: 1000 }] });
    const tenant = sim.createTenant();
    const app = sim.control.createApp(tenant, {
      displayName: 'Bridge',
      password: 'app-secret',
      endpoint: `${webhookBase}/teams/messages`,
    });
    const alice = sim.createUser(tenant, {
      displayName: 'Alice Andersson',
      givenName: 'Alice',
      surname: 'Andersson',
    });
    const { teamId } = sim.control.createTeam(tenant, 'Agency', [alice.id]);
    const channelId = sim.control.createChannel(teamId, 'Contract Channel');
    sim.control.installBot(app.appId, teamId);
    const graph: Client = graphClient(sim, sim.control.userToken(alice.id, app.appId));
    const messages = `/teams/${teamId}/channels/${channelId}/messages`;
    const roots = new Map<string, string>();
    const pathOf = (id: string) =>
      roots.has(id) ? `${messages}/${roots.get(id)}/replies/${id}` : `${messages}/${id}`;

    const block = (password: string) => ({
      workspaces: { main: { tenant_id: tenant, app_id: app.appId, app_password: password } },
      login_url: sim.url,
      openid_metadata_url: sim.openIdMetadataUrl,
      graph_url: sim.graphUrl,
      default_service_url: sim.serviceUrl,
      service_url_hosts: ['127.0.0.1'],
      catchup: { interval_seconds: 1, settle_seconds: 1 },
      extra_ca_certs: sim.caCert,
    });

    return {
      config: block('app-secret'),
      badCredentialsConfig: block('not-the-secret'),
      channel: { workspace: 'main', channel: channelId },
      channelName: 'Contract Channel',
      user: { id: alice.id, displayName: 'Alice Andersson' },
      async post(text, opts) {
        const path = opts?.threadRoot ? `${messages}/${opts.threadRoot}/replies` : messages;
        const m = (await graph
          .api(path)
          .post({ body: { contentType: 'text', content: text } })) as { id: string };
        if (opts?.threadRoot) roots.set(m.id, opts.threadRoot);
        return m.id;
      },
      async postFile(name, data, mimetype, caption) {
        const folder = (await graph
          .api(`/teams/${teamId}/channels/${channelId}/filesFolder`)
          .get()) as { id: string; parentReference: { driveId: string } };
        const item = (await graph
          .api(`/drives/${folder.parentReference.driveId}/items/${folder.id}:/${name}:/content`)
          .header('content-type', mimetype)
          .put(data)) as { eTag: string; webUrl: string };
        const guid = /\{([^}]+)\}/.exec(item.eTag)![1]!;
        const m = (await graph.api(messages).post({
          body: {
            contentType: 'html',
            content: `<p>${caption ?? ''}</p><attachment id="${guid}"></attachment>`,
          },
          attachments: [{ id: guid, contentType: 'reference', contentUrl: item.webUrl, name }],
        })) as { id: string };
        return m.id;
      },
      edit: async (id, text) =>
        void (await graph.api(pathOf(id)).patch({ body: { contentType: 'text', content: text } })),
      remove: async (id) => void (await graph.api(`${pathOf(id)}/softDelete`).post({})),
      react: async (id, name) =>
        void (await graph.api(`${pathOf(id)}/setReaction`).post({ reactionType: name })),
      unreact: async (id, name) =>
        void (await graph.api(`${pathOf(id)}/unsetReaction`).post({ reactionType: name })),
      async messages(): Promise<RemoteMessageView[]> {
        return sim.control.messages(channelId).map((raw) => {
          const m = raw as {
            id: string;
            replyToId: string | null;
            body: { content: string };
            from: {
              user?: { displayName?: string } | null;
              application?: { displayName?: string } | null;
            };
            attachments: Array<{ name: string | null }>;
            reactions: Array<{ reactionType: string }>;
          };
          return {
            id: m.id,
            text: m.body.content,
            authorName: m.from.user?.displayName ?? m.from.application?.displayName ?? '',
            threadRoot: m.replyToId ?? undefined,
            files: m.attachments.map((a) => a.name).filter((n): n is string => !!n),
            reactions: m.reactions.map((r) => r.reactionType),
          };
        });
      },
      // Teams pushes activities to the bridge: a lost delivery is what a dropped connection is here.
      dropConnection: async () => sim.dropDeliveries(1),
      rateLimitSends: (count, retryAfterSec) =>
        sim.injectFailures({ status: 429, count, retryAfterSec, pattern: SEND }),
      failSends: (count, status) => sim.injectFailures({ status, count, pattern: SEND }),
      close: () => sim.close(),
    };
  },
};

runContractSuite(target);

/**
 * SharePoint and OneDrive through Graph, as far as Teams files need it: a channel's files
 * folder, simple uploads (`PUT …:/{name}:/content`), items by id or by sharing URL
 * (`/shares/u!{base64url}`), and content downloads that redirect to a pre-authenticated URL.
 */
import type { IssuedToken } from '../auth.js';
import type { Sim } from '../context.js';
import { ApiError, type SimRequest, type SimResponse } from '../http.js';
import { token } from '../ids.js';
import type { SimDriveItem } from '../state.js';
import { toDriveItem } from '../graph-shapes.js';
import { channelOf, forbidden, graphToken, notFound } from '../graph-access.js';

const V = '/v1.0';

export function registerGraphFileRoutes(sim: Sim): void {
  const { front, state } = sim;
  const downloads = new Map<string, { itemId: string; expiresAt: number }>();

  const access = (
    t: IssuedToken,
    item: SimDriveItem | { driveId: string },
    write: boolean,
  ): void => {
    if (t.kind === 'app') {
      const ok = write
        ? ['Files.ReadWrite.All', 'Sites.ReadWrite.All']
        : ['Files.Read.All', 'Files.ReadWrite.All', 'Sites.Read.All', 'Sites.ReadWrite.All'];
      if (!ok.some((p) => t.scopes.has(p)))
        throw forbidden(
          `Missing role permissions on the request. API requires one of ${ok.join(', ')}.`,
        );
      return;
    }
    const owner = [...state.drives.values()].find((d) => d.id === item.driveId)?.owner;
    const team = owner ? state.teams.get(owner) : undefined;
    if (team) {
      if (!team.members.has(t.userId!)) throw forbidden('Access denied.');
    } else if (write && owner !== t.userId) throw forbidden('Access denied.');
    else if (!write && owner && state.users.get(owner)?.tenantId !== t.tenantId)
      throw forbidden('Access denied.');
    if (
      ![
        'Files.ReadWrite',
        'Files.ReadWrite.All',
        'Files.Read',
        'Files.Read.All',
        'Sites.ReadWrite.All',
      ].some((p) => t.scopes.has(p))
    ) {
      throw forbidden('Missing scope permissions on the request (Files.ReadWrite).');
    }
  };

  const upload = (
    req: SimRequest,
    t: IssuedToken,
    driveId: string,
    parentId: string,
    name: string,
  ): SimResponse => {
    const parent = state.driveItems.get(parentId);
    if (!parent || parent.driveId !== driveId || !parent.folder) throw notFound('Item');
    access(t, parent, true);
    if (!/^[^\\/:*?"<>|]{1,255}$/.test(name))
      throw new ApiError(400, 'invalidRequest', 'The file name is not valid.');
    const mimetype = String(req.headers['content-type'] ?? 'application/octet-stream').split(
      ';',
    )[0]!;
    const taken = (n: string) =>
      [...state.driveItems.values()].some((i) => i.parentId === parentId && i.name === n);
    let finalName = name;
    if (req.query.get('@microsoft.graph.conflictBehavior') === 'rename') {
      const dot = name.lastIndexOf('.');
      const [stem, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
      for (let i = 1; taken(finalName); i++) finalName = `${stem} ${i}${ext}`;
    }
    const item = state.addDriveItem(driveId, parentId, finalName, req.body, mimetype);
    return { status: 201, body: toDriveItem(item) };
  };

  const itemResponse = (
    req: SimRequest,
    item: SimDriveItem | undefined,
    content: boolean,
  ): SimResponse => {
    const t = graphToken(sim, req);
    if (!item) throw notFound('Item');
    access(t, item, false);
    if (!content) return { status: 200, body: toDriveItem(item) };
    const dl = token();
    downloads.set(dl, { itemId: item.id, expiresAt: Date.now() + 3600_000 });
    // As SharePoint: a pre-authenticated download.aspx link, fetched without a token.
    const location =
      state.downloadRedirect ??
      `${sim.baseUrl()}/_layouts/15/download.aspx?UniqueId=${item.id}&tempauth=${dl}`;
    return { status: 302, headers: { location } };
  };

  const shared = (shareId: string): SimDriveItem | undefined => {
    if (!shareId.startsWith('u!'))
      throw new ApiError(400, 'invalidRequest', 'The sharing token is not valid.');
    const url = Buffer.from(shareId.slice(2), 'base64url').toString('utf8');
    return [...state.driveItems.values()].find((i) => i.webUrl === url);
  };

  front.route('GET', `${V}/teams/{team}/channels/{channel}/filesFolder`, (req) => {
    const t = graphToken(sim, req);
    const conv = channelOf(sim, req.params.team!, req.params.channel!);
    const folder = state.driveItems.get(conv.folderId!);
    if (!folder) throw notFound('Folder');
    access(t, folder, false);
    return { status: 200, body: toDriveItem(folder) };
  });

  front.route('PUT', `${V}/drives/{drive}/items/{rest*}`, (req) => {
    const m = /^([^:/]+):\/(.+):\/content$/.exec(req.params.rest!);
    if (!m)
      throw new ApiError(
        400,
        'invalidRequest',
        'Expected /drives/{drive}/items/{parent}:/{name}:/content.',
      );
    return upload(req, graphToken(sim, req), req.params.drive!, m[1]!, m[2]!);
  });

  front.route('PUT', `${V}/me/drive/root:/{rest*}`, (req) => {
    const t = graphToken(sim, req);
    if (t.kind !== 'delegated')
      throw new ApiError(
        400,
        'BadRequest',
        '/me request is only valid with delegated authentication flow.',
      );
    const m = /^(.+):\/content$/.exec(req.params.rest!);
    if (!m) throw new ApiError(400, 'invalidRequest', 'Expected /me/drive/root:/{path}:/content.');
    const drive = state.userDrive(t.userId!);
    let parentId = drive.rootId;
    const parts = m[1]!.split('/');
    for (const folder of parts.slice(0, -1)) {
      const existing = [...state.driveItems.values()].find(
        (i) => i.parentId === parentId && i.name === folder && i.folder,
      );
      parentId = (
        existing ?? state.addDriveItem(drive.id, parentId, folder, Buffer.alloc(0), '', true)
      ).id;
    }
    return upload(req, t, drive.id, parentId, parts[parts.length - 1]!);
  });

  front.route('GET', `${V}/drives/{drive}/items/{item}`, (req) => {
    const item = state.driveItems.get(req.params.item!);
    return itemResponse(req, item?.driveId === req.params.drive ? item : undefined, false);
  });
  front.route('GET', `${V}/drives/{drive}/items/{item}/content`, (req) => {
    const item = state.driveItems.get(req.params.item!);
    return itemResponse(req, item?.driveId === req.params.drive ? item : undefined, true);
  });
  front.route('GET', `${V}/shares/{share}/driveItem`, (req) =>
    itemResponse(req, shared(req.params.share!), false),
  );
  front.route('GET', `${V}/shares/{share}/driveItem/content`, (req) =>
    itemResponse(req, shared(req.params.share!), true),
  );

  front.route('GET', '/_layouts/15/download.aspx', (req) => {
    const d = downloads.get(req.query.get('tempauth') ?? '');
    const item = d && d.expiresAt > Date.now() ? state.driveItems.get(d.itemId) : undefined;
    if (!item) return { status: 404, body: 'The download link has expired.' };
    return {
      status: 200,
      headers: { 'content-type': item.mimetype || 'application/octet-stream' },
      body: item.data,
    };
  });

  // SharePoint pages themselves (webUrl) are for browsers; a signed-out client is sent to sign in.
  front.route('GET', '/sites/{rest*}', () => ({
    status: 302,
    headers: { location: 'https://login.invalid/' },
  }));
}

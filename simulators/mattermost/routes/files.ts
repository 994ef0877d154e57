import type { FileInfo } from '@mattermost/types/files';
import { AppError, invalidParam, notFound, permissionError } from '../errors.js';
import { isValidId, newId } from '../ids.js';
import { imageSize, mimeForExtension } from '../images.js';
import { parseMultipart, tooLarge, type Upload } from '../multipart.js';
import { canReadChannel, isChannelMemberOrAdmin } from '../permissions.js';
import { renderFileInfo } from '../render.js';
import { json, type Ctx, type Reply, type Route } from '../context.js';
import type { FileRecord } from '../state.js';

// As web.WriteFileResponse: these are served inline, everything else as an attachment,
// and script/HTML types are downgraded to text/plain.
const MEDIA_TYPES = [
  'image/jpeg',
  'image/png',
  'image/bmp',
  'image/gif',
  'image/tiff',
  'video/avi',
  'video/mpeg',
  'video/mp4',
  'audio/mpeg',
  'audio/wav',
];
const UNSAFE_TYPES = [
  'application/javascript',
  'application/ecmascript',
  'text/javascript',
  'text/ecmascript',
  'application/x-javascript',
  'text/html',
];

function fileInfoFor(ctx: Ctx, channelId: string, upload: Upload): FileInfo {
  const now = ctx.state.clock.now();
  const dot = upload.name.lastIndexOf('.');
  const extension = dot > 0 ? upload.name.slice(dot + 1).toLowerCase() : '';
  const mime = mimeForExtension(extension);
  const size = mime.startsWith('image') ? imageSize(upload.data) : null;
  return {
    id: newId(),
    user_id: ctx.user.profile.id,
    channel_id: channelId,
    post_id: '',
    create_at: now,
    update_at: now,
    delete_at: 0,
    name: upload.name,
    extension,
    size: upload.data.length,
    mime_type: mime,
    width: size?.width ?? 0,
    height: size?.height ?? 0,
    has_preview_image: size !== null && mime !== 'image/svg+xml',
    clientId: '',
    archived: false,
  };
}

async function uploadFiles(ctx: Ctx): Promise<Reply> {
  const max = ctx.sim.config.maxFileSize;
  const declared = Number(ctx.req.headers['content-length'] ?? '0');
  if (declared > max + 64 * 1024) {
    throw new AppError(
      413,
      'api.file.upload_file.too_large.app_error',
      'Unable to upload file. File is too large.',
    );
  }
  const contentType = ctx.req.headers['content-type'] ?? '';
  let channelId = ctx.query.get('channel_id') ?? '';
  let uploads: Upload[];
  let clientIds: string[] = [];
  if (contentType.toLowerCase().startsWith('multipart/form-data')) {
    const parsed = await parseMultipart(ctx.req, max);
    for (const name of parsed.fields.keys()) {
      if (name !== 'channel_id' && name !== 'client_ids') throw invalidParam(name);
    }
    const ids = parsed.fields.get('channel_id') ?? [];
    if (new Set(ids).size > 1 || (channelId && ids[0] && ids[0] !== channelId)) {
      throw new AppError(
        400,
        'api.file.upload_file.multiple_channel_ids.app_error',
        'Unable to upload the file(s). Multiple conflicting channel_ids.',
      );
    }
    channelId ||= ids[0] ?? '';
    clientIds = parsed.fields.get('client_ids') ?? [];
    uploads = parsed.files;
  } else {
    const filename = ctx.query.get('filename') ?? '';
    if (!filename) throw invalidParam('filename');
    const data = await ctx.readRaw(max).catch(() => {
      throw tooLarge(filename, declared, max);
    });
    uploads = [{ name: filename, data }];
  }
  if (!isValidId(channelId)) throw invalidParam('channel_id');
  if (
    !ctx.state.channels.has(channelId) ||
    !isChannelMemberOrAdmin(ctx.state, ctx.user, channelId)
  ) {
    throw permissionError();
  }
  if (uploads.length === 0) throw invalidParam('files');
  if (clientIds.length > 0 && clientIds.length !== uploads.length) throw invalidParam('client_ids');
  const infos = uploads.map((u) => {
    const info = fileInfoFor(ctx, channelId, u);
    ctx.state.files.set(info.id, { info, data: u.data });
    return renderFileInfo(info);
  });
  return json({ file_infos: infos, client_ids: clientIds }, 201);
}

function readableFile(ctx: Ctx): FileRecord {
  const rec = ctx.state.files.get(ctx.param('file_id'));
  if (!rec || rec.info.delete_at !== 0) throw notFound.file();
  if (rec.info.user_id === ctx.user.profile.id) return rec;
  const post = rec.info.post_id ? ctx.state.posts.get(rec.info.post_id) : undefined;
  const channel = post && ctx.state.channels.get(post.channel_id);
  if (!channel || !canReadChannel(ctx.state, ctx.user, channel)) throw permissionError();
  return rec;
}

function getFile(ctx: Ctx): Reply {
  const { info, data } = readableFile(ctx);
  let type = info.mime_type || 'application/octet-stream';
  if (UNSAFE_TYPES.some((t) => type.startsWith(t))) type = 'text/plain';
  const download =
    ctx.query.get('download') === '1' || !MEDIA_TYPES.some((t) => type.startsWith(t));
  const name = encodeURIComponent(info.name);
  return {
    kind: 'bytes',
    status: 200,
    body: data,
    headers: {
      'Content-Type': type,
      'Cache-Control': 'private, no-cache',
      'X-Content-Type-Options': 'nosniff',
      'Content-Disposition': `${download ? 'attachment' : 'inline'};filename="${name}"; filename*=UTF-8''${name}`,
      'X-Frame-Options': 'DENY',
      'Content-Security-Policy': "Frame-ancestors 'none'",
    },
  };
}

function getFileInfo(ctx: Ctx): Reply {
  return json(renderFileInfo(readableFile(ctx).info));
}

function getFileInfosForPost(ctx: Ctx): Reply {
  const post = ctx.state.posts.get(ctx.param('post_id'));
  const channel = post && ctx.state.channels.get(post.channel_id);
  if (!post || post.delete_at !== 0 || !channel) throw notFound.post();
  if (!canReadChannel(ctx.state, ctx.user, channel)) throw permissionError();
  const infos = post.file_ids
    .map((id) => ctx.state.files.get(id)?.info)
    .filter((i): i is FileInfo => i !== undefined);
  return json(infos.map(renderFileInfo));
}

export const fileRoutes: Route[] = [
  { method: 'GET', path: '/posts/{post_id}/files/info', handler: getFileInfosForPost },
  { method: 'POST', path: '/files', handler: uploadFiles },
  { method: 'GET', path: '/files/{file_id}', handler: getFile },
  { method: 'GET', path: '/files/{file_id}/info', handler: getFileInfo },
];

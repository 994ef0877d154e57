import { Ajv } from 'ajv';
import { success, type Ctx, type Reply, type Route } from '../context.js';
import { failure, invalidParams, meteorError } from '../errors.js';
import { newId } from '../ids.js';
import { parseMultipart } from '../multipart.js';
import { renderMessage } from '../render.js';
import type { MessageFile, SimState, UploadRecord, UserRecord } from '../state.js';

// rest-typings has no validator for rooms.mediaConfirm; this is its request schema from the
// published API description (rooms.yaml), with the server's additionalProperties: false.
const validateConfirm = new Ajv({ allErrors: true, coerceTypes: false }).compile({
  type: 'object',
  additionalProperties: false,
  properties: {
    msg: { type: 'string' },
    tmid: { type: 'string' },
    description: { type: 'string' },
    alias: { type: 'string' },
    avatar: { type: 'string' },
    emoji: { type: 'string' },
    groupable: { type: 'boolean' },
    fileName: { type: 'string' },
    fileContent: { type: 'object' },
    customFields: { type: 'string' },
  },
});

function pngSize(data: Buffer): { width: number; height: number } | undefined {
  const sig = '89504e470d0a1a0a';
  if (data.length < 24 || data.subarray(0, 8).toString('hex') !== sig) return undefined;
  return { width: data.readUInt32BE(16), height: data.readUInt32BE(20) };
}

async function upload(ctx: Ctx): Promise<Reply> {
  const rid = ctx.params.rid ?? '';
  const room = ctx.state.rooms.get(rid);
  if (!room || !ctx.state.isMember(rid, ctx.user._id))
    throw meteorError('error-not-allowed', 'Not allowed');
  const form = await parseMultipart(ctx.req, ctx.state.settings.maxFileSize);
  const file = form.files.find((f) => f.field === 'file');
  if (!file) throw failure('[invalid-field]', 'invalid-field');
  if (file.data.length === 0) throw failure('[error-file-empty]', 'error-file-empty');
  const record: UploadRecord = {
    _id: newId(),
    rid,
    userId: ctx.user._id,
    name: file.name,
    type: file.type,
    size: file.data.length,
    data: file.data,
    uploadedAt: ctx.state.clock.now(),
  };
  ctx.state.uploads.set(record._id, record);
  return success({ file: { _id: record._id, url: fileUrl(record) } });
}

export const fileUrl = (u: Pick<UploadRecord, '_id' | 'name'>): string =>
  `/file-upload/${u._id}/${encodeURIComponent(u.name)}`;

function attachmentFor(u: UploadRecord, description: string | undefined): Record<string, unknown> {
  const url = fileUrl(u);
  const att: Record<string, unknown> = {
    type: 'file',
    title: u.name,
    title_link: url,
    title_link_download: true,
    ts: new Date(u.uploadedAt).toISOString(),
  };
  if (description) att.description = description;
  if (u.type.startsWith('image/')) {
    Object.assign(att, { image_url: url, image_type: u.type, image_size: u.size });
    const dims = pngSize(u.data);
    if (dims) att.image_dimensions = dims;
  } else if (u.type.startsWith('audio/')) {
    Object.assign(att, { audio_url: url, audio_type: u.type, audio_size: u.size });
  } else if (u.type.startsWith('video/')) {
    Object.assign(att, { video_url: url, video_type: u.type, video_size: u.size });
  }
  return att;
}

function confirm(ctx: Ctx) {
  if (!validateConfirm(ctx.body)) {
    throw invalidParams(
      (validateConfirm.errors ?? [])
        .map((e) => `${e.instancePath || 'must'} ${e.message ?? ''}`)
        .join('\n '),
    );
  }
  const rid = ctx.params.rid ?? '';
  const u = ctx.state.uploads.get(ctx.params.fileId ?? '');
  const room = ctx.state.rooms.get(rid);
  if (!u || !room || u.rid !== rid || u.userId !== ctx.user._id || u.messageId) {
    throw failure('[invalid-file]', 'invalid-file');
  }
  const body = ctx.body as Record<string, string | undefined>;
  if (body.fileName) u.name = body.fileName;
  const format = u.name.includes('.') ? u.name.split('.').pop() : undefined;
  const file: MessageFile = {
    _id: u._id,
    name: u.name,
    type: u.type,
    size: u.size,
    ...(format && { format }),
  };
  const m = ctx.sim.messages.create(ctx.user, room, {
    msg: body.msg ?? '',
    tmid: body.tmid,
    alias: body.alias,
    avatar: body.avatar,
    emoji: body.emoji,
    attachments: [attachmentFor(u, body.description)],
    file,
    files: [file],
  });
  u.messageId = m._id;
  u.description = body.description;
  return success({ message: renderMessage(m, 'rest') });
}

/** `/file-upload/:id/:name` for a reader of the room (credentials in headers, cookies or query). */
export function fileReply(state: SimState, user: UserRecord | undefined, fileId: string): Reply {
  const u = state.uploads.get(fileId);
  const room = u ? state.rooms.get(u.rid) : undefined;
  if (!u || !room)
    return {
      kind: 'bytes',
      status: 404,
      body: Buffer.from('Not found'),
      headers: { 'Content-Type': 'text/plain' },
    };
  const allowed = user && (u.messageId ? state.canAccess(room, user) : u.userId === user._id);
  if (!allowed)
    return {
      kind: 'bytes',
      status: 403,
      body: Buffer.from('Forbidden'),
      headers: { 'Content-Type': 'text/plain' },
    };
  return {
    kind: 'bytes',
    status: 200,
    body: u.data,
    headers: {
      'Content-Type': u.type,
      'Content-Disposition': `attachment; filename*=UTF-8''${encodeURIComponent(u.name)}`,
    },
  };
}

export const mediaRoutes: Route[] = [
  { method: 'POST', path: 'rooms.media/:rid', handler: upload, multipart: true },
  { method: 'POST', path: 'rooms.mediaConfirm/:rid/:fileId', handler: confirm },
];

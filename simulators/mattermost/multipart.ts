import type { IncomingMessage } from 'node:http';
import busboy from 'busboy';
import { AppError, invalidParam } from './errors.js';

export interface Upload {
  name: string;
  data: Buffer;
}

export interface ParsedUpload {
  fields: Map<string, string[]>;
  files: Upload[];
}

const MAX_FILES = 50;

export function tooLarge(name: string, length: number, limit: number): AppError {
  return new AppError(
    413,
    'api.file.upload_file.too_large_detailed.app_error',
    `Unable to upload file ${name}. ${length} bytes exceeds the maximum allowed ${limit} bytes.`,
  );
}

/** Streams a multipart/form-data body; files over `maxFileSize` are cut off and reported (413). */
export function parseMultipart(req: IncomingMessage, maxFileSize: number): Promise<ParsedUpload> {
  return new Promise((resolve, reject) => {
    let bb: busboy.Busboy;
    try {
      bb = busboy({
        headers: req.headers,
        limits: { fileSize: maxFileSize, files: MAX_FILES, fields: 100, fieldSize: 64 * 1024 },
      });
    } catch {
      reject(invalidParam('multipart/form-data'));
      return;
    }
    const fields = new Map<string, string[]>();
    const files: Upload[] = [];
    let failure: AppError | undefined;
    bb.on('field', (name, value) => {
      const list = fields.get(name) ?? [];
      list.push(value);
      fields.set(name, list);
    });
    bb.on('file', (fieldName, stream, info) => {
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (!failure) chunks.push(chunk);
      });
      stream.on('limit', () => {
        failure ??= tooLarge(info.filename ?? 'file', maxFileSize + 1, maxFileSize);
      });
      stream.on('close', () => {
        if (failure) return;
        if (fieldName !== 'files') {
          failure = invalidParam(fieldName);
          return;
        }
        files.push({ name: info.filename || 'file', data: Buffer.concat(chunks, size) });
      });
    });
    bb.on('filesLimit', () => {
      failure ??= invalidParam('files');
    });
    bb.on('error', () => reject(invalidParam('multipart/form-data')));
    bb.on('close', () => (failure ? reject(failure) : resolve({ fields, files })));
    req.pipe(bb);
  });
}

import type { IncomingMessage } from 'node:http';
import busboy from 'busboy';
import type { RcError } from './errors.js';
import { failure } from './errors.js';

export interface UploadedFile {
  field: string;
  name: string;
  type: string;
  data: Buffer;
}

export interface Multipart {
  fields: Record<string, string>;
  files: UploadedFile[];
}

/** A multipart/form-data body; a file over `maxFileSize` is refused like the server does. */
export function parseMultipart(req: IncomingMessage, maxFileSize: number): Promise<Multipart> {
  return new Promise((resolve, reject) => {
    let bb: busboy.Busboy;
    try {
      bb = busboy({
        headers: req.headers,
        limits: { fileSize: maxFileSize, files: 10, fields: 50, fieldSize: 64 * 1024 },
      });
    } catch {
      reject(failure('File required', 'error-file-required'));
      return;
    }
    const fields: Record<string, string> = {};
    const files: UploadedFile[] = [];
    let problem: RcError | undefined;
    bb.on('field', (name, value) => {
      fields[name] = value;
    });
    bb.on('file', (field, stream, info) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => {
        if (!problem) chunks.push(c);
      });
      stream.on('limit', () => {
        problem ??= failure(
          `File size exceeds allowed size of ${maxFileSize} bytes.`,
          'error-file-too-large',
        );
      });
      stream.on('close', () => {
        if (!problem) {
          files.push({
            field,
            name: info.filename || 'file',
            type: info.mimeType || 'application/octet-stream',
            data: Buffer.concat(chunks),
          });
        }
      });
    });
    bb.on('error', () => reject(failure('File required', 'error-file-required')));
    bb.on('close', () => (problem ? reject(problem) : resolve({ fields, files })));
    req.pipe(bb);
  });
}

/**
 * Reads a ZIP archive's central directory to tell a plain ZIP from an Office Open XML file
 * (docx, xlsx, pptx are ZIPs with a fixed layout). The directory must sit where the
 * end-of-central-directory record says and the record must end the file: bytes in front
 * of the archive (another format's file with a ZIP appended) or after it make it no ZIP.
 */
const LOCAL_HEADER = [0x50, 0x4b, 0x03, 0x04] as const;
const EMPTY_ARCHIVE = [0x50, 0x4b, 0x05, 0x06] as const;
const END_SIGNATURE = 0x06054b50;
const ENTRY_SIGNATURE = 0x02014b50;
const END_LENGTH = 22;
const ENTRY_LENGTH = 46;
const MAX_COMMENT = 0xffff;
/** Enough names to recognise an Office file; a directory of more is read no further. */
const MAX_ENTRIES_READ = 10_000;

export const ZIP_TYPES = {
  zip: 'application/zip',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
} as const;

export function looksLikeZip(bytes: Buffer): boolean {
  const head = bytes.subarray(0, 4);
  return head.equals(Buffer.from(LOCAL_HEADER)) || head.equals(Buffer.from(EMPTY_ARCHIVE));
}

/** The end record's offset: the one whose comment reaches exactly to the end of the file. */
function endRecord(bytes: Buffer): number | undefined {
  const lowest = Math.max(0, bytes.length - END_LENGTH - MAX_COMMENT);
  for (let at = bytes.length - END_LENGTH; at >= lowest; at--) {
    if (bytes.readUInt32LE(at) !== END_SIGNATURE) continue;
    if (at + END_LENGTH + bytes.readUInt16LE(at + 20) === bytes.length) return at;
  }
  return undefined;
}

/** The names in the central directory, or undefined when it does not hold together. */
function entryNames(bytes: Buffer): string[] | undefined {
  if (bytes.length < END_LENGTH) return undefined;
  const end = endRecord(bytes);
  if (end === undefined) return undefined;
  const count = bytes.readUInt16LE(end + 10);
  const size = bytes.readUInt32LE(end + 12);
  const offset = bytes.readUInt32LE(end + 16);
  // The directory ends where the end record starts: nothing hides between them.
  if (offset + size !== end) return undefined;
  const names: string[] = [];
  let at = offset;
  for (let i = 0; i < Math.min(count, MAX_ENTRIES_READ); i++) {
    if (at + ENTRY_LENGTH > end || bytes.readUInt32LE(at) !== ENTRY_SIGNATURE) return undefined;
    const nameLength = bytes.readUInt16LE(at + 28);
    const extraLength = bytes.readUInt16LE(at + 30);
    const commentLength = bytes.readUInt16LE(at + 32);
    const next = at + ENTRY_LENGTH + nameLength + extraLength + commentLength;
    if (next > end) return undefined;
    names.push(bytes.toString('utf8', at + ENTRY_LENGTH, at + ENTRY_LENGTH + nameLength));
    at = next;
  }
  return count > MAX_ENTRIES_READ || at === end ? names : undefined;
}

/** The archive's type, or undefined when the bytes are not a well-formed ZIP. */
export function zipType(bytes: Buffer): string | undefined {
  if (!looksLikeZip(bytes)) return undefined;
  const names = entryNames(bytes);
  if (!names) return undefined;
  if (!names.includes('[Content_Types].xml')) return ZIP_TYPES.zip;
  if (names.some((n) => n.startsWith('word/'))) return ZIP_TYPES.docx;
  if (names.some((n) => n.startsWith('xl/'))) return ZIP_TYPES.xlsx;
  if (names.some((n) => n.startsWith('ppt/'))) return ZIP_TYPES.pptx;
  return ZIP_TYPES.zip;
}

/** A ZIP end record in the last bytes: another format with an archive appended (a polyglot). */
export function hasTrailingZip(bytes: Buffer): boolean {
  return bytes.length >= END_LENGTH && endRecord(bytes) !== undefined;
}

import { describe, expect, it } from 'vitest';
import { KNOWN_TYPES, sniffFileType, UNKNOWN_TYPE } from '../../../src/media/file-type.js';
import { EICAR, ELF, PE, TYPED_FILES, zipOf } from '../../fixtures/files.js';
import { GOOD_IMAGES } from '../../fixtures/images.js';

const png = GOOD_IMAGES.find((g) => g.mimetype === 'image/png')?.bytes ?? Buffer.alloc(0);
const pdf = TYPED_FILES.find((f) => f.name === 'PDF')?.bytes ?? Buffer.alloc(0);
const docx = TYPED_FILES.find((f) => f.name === 'DOCX')?.bytes ?? Buffer.alloc(0);

/** Bytes that must never pass for the harmless type their name or declared type claims. */
const HOSTILE: Array<{ name: string; bytes: Buffer; type: string }> = [
  { name: 'an empty file', bytes: Buffer.alloc(0), type: UNKNOWN_TYPE },
  { name: 'one zero byte', bytes: Buffer.from([0]), type: UNKNOWN_TYPE },
  { name: 'an ELF binary renamed .png', bytes: ELF, type: 'application/x-executable' },
  { name: 'a PE binary renamed .png', bytes: PE, type: 'application/x-msdownload' },
  {
    name: 'a shell script renamed .txt',
    bytes: Buffer.from('#!/bin/sh\nrm -rf ~\n'),
    type: 'text/x-script',
  },
  {
    name: 'a Python script with a BOM',
    bytes: Buffer.from('\ufeff#!/usr/bin/env python3\n'),
    type: 'text/x-script',
  },
  { name: 'HTML renamed .txt', bytes: Buffer.from('<!DOCTYPE html><p>hi'), type: 'text/html' },
  {
    name: 'a script tag in text',
    bytes: Buffer.from('notes\n<script>alert(1)</script>'),
    type: 'text/html',
  },
  {
    name: 'SVG renamed .png',
    bytes: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'),
    type: 'text/html',
  },
  { name: 'XML', bytes: Buffer.from('<?xml version="1.0"?><a/>'), type: 'text/html' },
  { name: 'PNG signature, nothing behind it', bytes: png.subarray(0, 8), type: UNKNOWN_TYPE },
  { name: 'a truncated PNG', bytes: png.subarray(0, png.length - 5), type: UNKNOWN_TYPE },
  {
    name: 'a PNG with HTML appended',
    bytes: Buffer.concat([png, Buffer.from('<html>')]),
    type: UNKNOWN_TYPE,
  },
  {
    name: 'a PNG + ZIP polyglot',
    bytes: Buffer.concat([png, zipOf({ 'x.js': 'run()' })]),
    type: UNKNOWN_TYPE,
  },
  {
    name: 'a PDF + ZIP polyglot',
    bytes: Buffer.concat([pdf, zipOf({ 'x.js': 'run()' })]),
    type: UNKNOWN_TYPE,
  },
  {
    name: 'a ZIP with bytes in front',
    bytes: Buffer.concat([Buffer.from('junk'), docx]),
    type: UNKNOWN_TYPE,
  },
  {
    name: 'a ZIP with bytes after its end',
    bytes: Buffer.concat([docx, Buffer.from('junk')]),
    type: UNKNOWN_TYPE,
  },
  { name: 'a truncated ZIP', bytes: docx.subarray(0, docx.length - 10), type: UNKNOWN_TYPE },
  { name: 'ZIP magic alone', bytes: Buffer.from('PK\x03\x04'), type: UNKNOWN_TYPE },
  { name: 'text with a NUL byte', bytes: Buffer.from('hello\0world'), type: UNKNOWN_TYPE },
  { name: 'text with an escape sequence', bytes: Buffer.from('a\x1b[31mred'), type: UNKNOWN_TYPE },
  { name: 'invalid UTF-8', bytes: Buffer.from([0x68, 0xc3, 0x28]), type: UNKNOWN_TYPE },
  { name: 'Latin-1 bytes', bytes: Buffer.from('caf\xe9', 'latin1'), type: UNKNOWN_TYPE },
  {
    name: 'random binary',
    bytes: Buffer.from([0x13, 0x37, 0xde, 0xad, 0xbe, 0xef]),
    type: UNKNOWN_TYPE,
  },
  { name: 'MZ text without a PE header', bytes: Buffer.from('MZ report\n'), type: 'text/plain' },
  { name: 'the EICAR test file', bytes: EICAR, type: 'text/plain' },
];

describe('sniffFileType: the type of a file from its bytes alone', () => {
  it.each(TYPED_FILES.map((f) => [f.name, f] as const))('names a real %s', (_name, file) => {
    expect(sniffFileType(file.bytes)).toBe(file.type);
  });

  it.each(HOSTILE.map((f) => [f.name, f] as const))('names %s for what it is', (_n, file) => {
    expect(sniffFileType(file.bytes)).toBe(file.type);
  });

  it('answers only types it declares, for every truncation of every known file', () => {
    for (const file of TYPED_FILES) {
      for (let n = 0; n <= file.bytes.length; n++) {
        expect(KNOWN_TYPES, `${file.name} cut to ${n}`).toContain(
          sniffFileType(file.bytes.subarray(0, n)),
        );
      }
    }
  });

  it('never calls a cut image, archive or Office file what the whole file is', () => {
    const structured = TYPED_FILES.filter((f) => /^(image|application\/(zip|vnd))/.test(f.type));
    for (const file of structured) {
      for (let n = 0; n < file.bytes.length; n++) {
        expect(sniffFileType(file.bytes.subarray(0, n)), `${file.name} cut to ${n}`).not.toBe(
          file.type,
        );
      }
    }
  });
});

/**
 * The first rows of a table file, plain CSV or a zipped CSV (Kaggle ships `en_train.csv.zip`), reading
 * at most a megabyte or so: enough to see a table's columns and sample values, at any file size.
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { constants, inflateRawSync } from 'node:zlib';
import { CsvError, notUtf8, parseCsvPrefix, type CsvTable } from './csv.js';
import { TaskError } from './errors.js';

/** Bytes of decompressed text read at most. */
const HEAD_BYTES = 1 << 20;

/** Whether a file name is a table Crucible can read the head of. */
export function isTableFile(name: string): boolean {
  return /\.csv(\.zip)?$/i.test(name);
}

function readAt(file: string, position: number, length: number): Buffer {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(length);
    const got = readSync(fd, buf, 0, length, position);
    return buf.subarray(0, got);
  } finally {
    closeSync(fd);
  }
}

/**
 * The first bytes of a zip's first entry, decompressed. The entry's size and method come from the
 * central directory, since Kaggle's zips often leave them out of the local header.
 */
function zipHead(file: string): { bytes: Buffer; complete: boolean } {
  const size = statSync(file).size;
  const tailLength = Math.min(size, 65_557); // the end record plus the longest comment
  const tail = readAt(file, size - tailLength, tailLength);
  const end = tail.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (end < 0) throw new TaskError(`${file}: not a zip file (no end of central directory)`);
  const directory = readAt(file, tail.readUInt32LE(end + 16), 46 + 0xffff);
  if (directory.readUInt32LE(0) !== 0x02014b50) throw new TaskError(`${file}: unreadable zip central directory`);
  const method = directory.readUInt16LE(10);
  const compressed = directory.readUInt32LE(20);
  const localOffset = directory.readUInt32LE(42);
  const local = readAt(file, localOffset, 30);
  const dataStart = localOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
  const take = Math.min(compressed, HEAD_BYTES);
  const data = readAt(file, dataStart, take);
  if (method === 0) return { bytes: data, complete: take === compressed };
  if (method !== 8) throw new TaskError(`${file}: zip compression method ${method}; Crucible reads stored or deflated entries`);
  const bytes = inflateRawSync(data, { finishFlush: constants.Z_SYNC_FLUSH });
  return { bytes: bytes.subarray(0, HEAD_BYTES), complete: take === compressed && bytes.length <= HEAD_BYTES };
}

function fileHead(file: string): { bytes: Buffer; complete: boolean } {
  const bytes = readAt(file, 0, HEAD_BYTES + 1);
  return { bytes: bytes.subarray(0, HEAD_BYTES), complete: bytes.length <= HEAD_BYTES };
}

/** The header and the first complete rows of a CSV or zipped CSV file; a malformed one is the task's fault. */
export function readTableHead(file: string): CsvTable & { complete: boolean } {
  const { bytes, complete } = /\.zip$/i.test(file) ? zipHead(file) : fileHead(file);
  let text: string;
  try {
    // A cut file may end inside a character: decode only up to the last whole one.
    text = new TextDecoder('utf-8', { fatal: true }).decode(complete ? bytes : bytes.subarray(0, bytes.lastIndexOf(0x0a) + 1));
  } catch {
    throw new TaskError(`${file}: ${notUtf8(bytes)}`);
  }
  try {
    return { ...parseCsvPrefix(text, complete), complete };
  } catch (err) {
    if (err instanceof CsvError) throw new TaskError(`${file}: ${err.message}`);
    throw err;
  }
}

import { openSync, readFileSync, readSync, closeSync } from 'node:fs';

/** A parsed CSV file: the header row and the data rows, every row as long as the header. */
export interface CsvTable {
  header: string[];
  rows: string[][];
}

export type CsvValue = string | number | boolean | null | undefined;

/** A malformed CSV; `line` is 1-based and counts physical lines, as an editor shows them. */
export class CsvError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
    this.name = 'CsvError';
  }
}

/**
 * Splits text into records (RFC 4180: quoted fields may hold commas, doubled quotes and line breaks;
 * records end in LF, CRLF or a lone CR). A quote inside an unquoted field is kept literally, as pandas
 * does. Empty lines are skipped, as pandas does by default. Stops after `limit` records.
 */
function records(text: string, limit = Infinity): { fields: string[]; line: number }[] {
  const out: { fields: string[]; line: number }[] = [];
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0; // a UTF-8 BOM written by Excel is not part of the first name
  let line = 1;
  const n = text.length;
  while (i < n && out.length < limit) {
    const startLine = line;
    const fields: string[] = [];
    let field = '';
    let atRecordEnd = false;
    // A record that is only a line break is an empty line.
    if (text[i] === '\n' || text[i] === '\r') {
      i += text[i] === '\r' && text[i + 1] === '\n' ? 2 : 1;
      line++;
      continue;
    }
    while (!atRecordEnd) {
      if (text[i] === '"') {
        // Quoted field: runs to the next quote that is not doubled.
        // Whole runs up to the next quote at a time: a character at a time is far too slow for big files.
        i++;
        for (;;) {
          const quote = text.indexOf('"', i);
          if (quote < 0) throw new CsvError(`unterminated quoted field starting on line ${startLine}`, startLine);
          const run = text.slice(i, quote);
          line += run.match(/\r\n|\r|\n/g)?.length ?? 0;
          field += run;
          if (text[quote + 1] === '"') {
            field += '"';
            i = quote + 2;
            continue;
          }
          i = quote + 1;
          break;
        }
        const next = text[i];
        if (next !== undefined && next !== ',' && next !== '\n' && next !== '\r') {
          throw new CsvError(`line ${line}: unexpected character ${JSON.stringify(next)} after a closing quote`, line);
        }
      } else {
        const start = i;
        while (i < n && text[i] !== ',' && text[i] !== '\n' && text[i] !== '\r') i++;
        field = text.slice(start, i);
      }
      fields.push(field);
      field = '';
      const c = text[i];
      if (c === ',') {
        // A trailing comma opens one more, empty, field: the next pass reads it.
        i++;
      } else {
        atRecordEnd = true;
        if (c === '\r') i += text[i + 1] === '\n' ? 2 : 1;
        else if (c === '\n') i++;
        if (c !== undefined) line++;
      }
    }
    out.push({ fields, line: startLine });
  }
  return out;
}

/** Parses CSV text with a header row. Every data row must have as many fields as the header. */
export function parseCsv(text: string): CsvTable {
  const recs = records(text);
  const first = recs[0];
  if (!first) throw new CsvError('empty file: no header row', 1);
  const header = first.fields;
  const rows: string[][] = [];
  for (let r = 1; r < recs.length; r++) {
    const rec = recs[r]!;
    if (rec.fields.length !== header.length) {
      throw new CsvError(
        `line ${rec.line}: ${rec.fields.length} fields, expected ${header.length} (as in the header)`,
        rec.line,
      );
    }
    rows.push(rec.fields);
  }
  return { header, rows };
}

/**
 * The header and the complete rows at the start of CSV text that may be cut anywhere (the first
 * bytes of a large file): a record the cut runs through is dropped.
 */
export function parseCsvPrefix(text: string, complete: boolean): CsvTable {
  let body = complete ? text : text.slice(0, Math.max(text.lastIndexOf('\n'), 0) + 1);
  for (;;) {
    try {
      const recs = records(body);
      const first = recs[0];
      if (!first) throw new CsvError('empty file: no header row', 1);
      return { header: first.fields, rows: recs.slice(1).map((r) => r.fields).filter((f) => f.length === first.fields.length) };
    } catch (err) {
      // A quoted field that spans the cut looks unterminated: drop the last line and try again.
      const cut = body.lastIndexOf('\n', body.length - 2);
      if (complete || !(err instanceof CsvError) || cut < 0) throw err;
      body = body.slice(0, cut + 1);
    }
  }
}

export function readCsvFile(file: string): CsvTable {
  const text = readFileSync(file, 'utf8');
  try {
    return parseCsv(text);
  } catch (err) {
    if (err instanceof CsvError) throw new CsvError(`${file}: ${err.message}`, err.line);
    throw err;
  }
}

/** Most bytes a header row may take: past this the file is not a CSV a task can use (one huge line, binary data). */
export const MAX_HEADER_BYTES = 1 << 20;

/** Where the first byte that is not UTF-8 is, in words: "line 2, byte 0xff at offset 17". */
function invalidUtf8At(bytes: Buffer): string {
  const text = bytes.toString('utf8');
  const bad = text.indexOf('\ufffd');
  if (bad < 0) return 'an incomplete character at the end';
  const offset = Buffer.byteLength(text.slice(0, bad));
  const line = text.slice(0, bad).split('\n').length;
  return `line ${line}, byte 0x${bytes[offset]!.toString(16).padStart(2, '0')} at offset ${offset}`;
}

/** "not UTF-8 text …", with a hint for the encodings that usually cause it. */
export function notUtf8(bytes: Buffer): string {
  const utf16 = (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff);
  return `not UTF-8 text (${utf16 ? 'it starts with a UTF-16 byte-order mark' : invalidUtf8At(bytes)}); save it as UTF-8`;
}

/**
 * The header row of a CSV file and whether a data row follows, reading only as far as the start of
 * the second record, so that checking a multi-gigabyte file costs one small read. What is read must
 * be UTF-8, and the header must end within MAX_HEADER_BYTES.
 */
export function readCsvHead(file: string): { header: string[]; hasRow: boolean } {
  const fd = openSync(file, 'r');
  try {
    const chunks: Buffer[] = [];
    const decoder = new TextDecoder('utf-8', { fatal: true });
    const buf = Buffer.alloc(1 << 16);
    let text = '';
    let bytes = 0;
    for (;;) {
      const got = readSync(fd, buf, 0, buf.length, null);
      const chunk = Buffer.from(buf.subarray(0, got));
      chunks.push(chunk);
      bytes += got;
      try {
        text += decoder.decode(chunk, { stream: got > 0 });
      } catch {
        throw new CsvError(notUtf8(Buffer.concat(chunks)), 1);
      }
      let recs: { fields: string[] }[] | null;
      try {
        recs = records(text, 2);
      } catch (err) {
        // A quoted header field cut by the chunk boundary looks unterminated: read more first.
        if (got > 0 && err instanceof CsvError) recs = null;
        else throw err;
      }
      // The header is complete once the next record has started, or at end of file.
      if (recs !== null && (got === 0 || recs.length === 2)) {
        const first = recs[0];
        if (!first) throw new CsvError('empty file: no header row', 1);
        return { header: first.fields, hasRow: recs.length === 2 };
      }
      if (bytes > MAX_HEADER_BYTES) {
        throw new CsvError(`no complete header row in the first ${MAX_HEADER_BYTES} bytes: not a CSV file, or its first line is far too long`, 1);
      }
    }
  } catch (err) {
    if (err instanceof CsvError) throw new CsvError(`${file}: ${err.message}`, err.line);
    throw err;
  } finally {
    closeSync(fd);
  }
}

/** Reads only the header row of a CSV file (see readCsvHead). */
export function readCsvHeader(file: string): string[] {
  return readCsvHead(file).header;
}

/** Quotes a field only when it must be: it holds a comma, a quote, a line break, or edge spaces. */
function formatField(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  const s = String(value);
  return /[",\r\n]|^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Writes a header and rows as CSV, one record per line, ending with a line break. */
export function formatCsv(
  header: readonly string[],
  rows: readonly (readonly CsvValue[])[],
  options: { eol?: '\n' | '\r\n' } = {},
): string {
  const eol = options.eol ?? '\n';
  const lines = [header, ...rows].map((row) => row.map(formatField).join(','));
  return lines.join(eol) + eol;
}

/** The values of one column, by name. */
export function column(table: CsvTable, name: string): string[] {
  const idx = table.header.indexOf(name);
  if (idx < 0) throw new CsvError(`missing column \`${name}\``, 1);
  return table.rows.map((row) => row[idx]!);
}

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * A CSV field as a finite number, or null. Stricter than Number(): "", "0x1f", "Infinity" and "nan"
 * are not numbers here; surrounding spaces are allowed, as pandas allows them.
 */
export function parseNumber(field: string): number | null {
  const s = field.trim();
  if (!DECIMAL.test(s)) return null;
  const v = Number(s);
  return Number.isFinite(v) ? v : null;
}

import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { column, CsvError, formatCsv, parseCsv, parseNumber, readCsvFile, readCsvHeader } from '../../../src/tasks/csv.js';
import { tempDir } from './fixtures.js';

describe('parseCsv', () => {
  it('reads a header and rows', () => {
    expect(parseCsv('id,target\n1,0.5\n2,0.25\n')).toEqual({ header: ['id', 'target'], rows: [['1', '0.5'], ['2', '0.25']] });
  });

  it('accepts CRLF, a lone CR, and a missing final line break', () => {
    expect(parseCsv('a,b\r\n1,2\r\n3,4').rows).toEqual([['1', '2'], ['3', '4']]);
    expect(parseCsv('a,b\r1,2\r').rows).toEqual([['1', '2']]);
  });

  it('handles quoted fields with commas, doubled quotes and line breaks', () => {
    const t = parseCsv('id,text\n1,"a, b"\n2,"say ""hi"""\n3,"two\nlines"\n4,"crlf\r\ninside"\n5,""\n');
    expect(column(t, 'text')).toEqual(['a, b', 'say "hi"', 'two\nlines', 'crlf\r\ninside', '']);
  });

  it('quotes in the header too', () => {
    expect(parseCsv('"id","the, target"\n1,2\n').header).toEqual(['id', 'the, target']);
  });

  it('keeps a quote inside an unquoted field literally, as pandas does', () => {
    expect(parseCsv('a,b\n5"x,2\n').rows).toEqual([['5"x', '2']]);
  });

  it('strips a UTF-8 BOM and skips empty lines', () => {
    const t = parseCsv('\uFEFFid,v\n\n1,2\n\r\n3,4\n\n');
    expect(t.header).toEqual(['id', 'v']);
    expect(t.rows).toEqual([['1', '2'], ['3', '4']]);
  });

  it('reads empty fields, including a trailing comma', () => {
    expect(parseCsv('a,b,c\n1,,\n,,\n').rows).toEqual([['1', '', ''], ['', '', '']]);
    expect(parseCsv('a,b\n1,').rows).toEqual([['1', '']]);
  });

  it('keeps spaces inside fields (callers trim where they mean to)', () => {
    expect(parseCsv('a,b\n 1 , x\n').rows).toEqual([[' 1 ', ' x']]);
  });

  it('reads a header-only file as zero rows', () => {
    expect(parseCsv('id,target\n')).toEqual({ header: ['id', 'target'], rows: [] });
  });

  it('rejects ragged rows, naming the line', () => {
    expect(() => parseCsv('a,b\n1,2\n3\n')).toThrow('line 3: 1 fields, expected 2');
    // Line numbers count physical lines, including those inside quoted fields.
    expect(() => parseCsv('a,b\n"x\ny",2\n1,2,3\n')).toThrow('line 4: 3 fields, expected 2');
  });

  it('rejects an unterminated quote and text after a closing quote', () => {
    expect(() => parseCsv('a,b\n1,"open\n2,3\n')).toThrow(/unterminated quoted field starting on line 2/);
    expect(() => parseCsv('a,b\n1,"x"y\n')).toThrow(/line 2: unexpected character "y" after a closing quote/);
  });

  it('rejects an empty file', () => {
    expect(() => parseCsv('')).toThrow(CsvError);
    expect(() => parseCsv('\n\n')).toThrow('empty file');
  });
});

describe('formatCsv', () => {
  it('quotes only what needs quoting, and round-trips', () => {
    const header = ['id', 'text', 'n'];
    const rows = [
      [1, 'plain', 0.5],
      [2, 'comma, here', -1e-7],
      [3, 'quote "q"', null],
      [4, 'line\nbreak', true],
      [5, ' padded ', undefined],
    ];
    const text = formatCsv(header, rows);
    expect(text.split('\n')[1]).toBe('1,plain,0.5');
    expect(text).toContain('2,"comma, here",-1e-7');
    expect(text).toContain('3,"quote ""q""",\n');
    expect(text.endsWith('\n')).toBe(true);
    expect(parseCsv(text).rows).toEqual([
      ['1', 'plain', '0.5'],
      ['2', 'comma, here', '-1e-7'],
      ['3', 'quote "q"', ''],
      ['4', 'line\nbreak', 'true'],
      ['5', ' padded ', ''],
    ]);
  });

  it('writes CRLF when asked', () => {
    expect(formatCsv(['a'], [['x']], { eol: '\r\n' })).toBe('a\r\nx\r\n');
  });
});

describe('files', () => {
  let cleanup = () => {};
  afterEach(() => cleanup());

  it('readCsvHeader reads a header longer than one read chunk, quoted across the boundary', () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const long = 'x'.repeat(70_000);
    const file = path.join(t.dir, 'wide.csv');
    writeFileSync(file, `id,"${long},\nstill one field",last\n1,2,3\n`);
    expect(readCsvHeader(file)).toEqual(['id', `${long},\nstill one field`, 'last']);
    const headerOnly = path.join(t.dir, 'header.csv');
    writeFileSync(headerOnly, 'a,b');
    expect(readCsvHeader(headerOnly)).toEqual(['a', 'b']);
  });

  it('readCsvFile and readCsvHeader name the file in errors', () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const file = path.join(t.dir, 'bad.csv');
    writeFileSync(file, 'a,b\n1\n');
    expect(() => readCsvFile(file)).toThrow(`${file}: line 2: 1 fields, expected 2`);
    const empty = path.join(t.dir, 'empty.csv');
    writeFileSync(empty, '');
    expect(() => readCsvHeader(empty)).toThrow(`${empty}: empty file`);
  });
});

describe('parseNumber', () => {
  it('accepts decimal and exponent forms, with surrounding spaces', () => {
    expect(parseNumber('1')).toBe(1);
    expect(parseNumber(' -2.5 ')).toBe(-2.5);
    expect(parseNumber('.5')).toBe(0.5);
    expect(parseNumber('5.')).toBe(5);
    expect(parseNumber('1e-3')).toBe(0.001);
    expect(parseNumber('+3E2')).toBe(300);
  });

  it('rejects what is not a finite number', () => {
    for (const s of ['', ' ', 'abc', 'nan', 'NaN', 'inf', 'Infinity', '0x10', '1,5', '1e400', '--1', 'e5']) {
      expect(parseNumber(s), s).toBeNull();
    }
  });
});

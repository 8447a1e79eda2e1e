import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { deflateSync } from 'node:zlib';
import { createRng } from '../../../src/operators/offline/rng.js';
import type { MetricName, TableTask } from '../../../src/tasks/types.js';

/** Small synthetic tasks in the Crucible layout, for running generated solutions in tests. */

export interface SyntheticTaskOptions {
  type: TableTask['type'];
  metric: MetricName;
  trainRows?: number;
  testRows?: number;
  /** Classification only: label values for the two classes. */
  labels?: [string, string];
  /** Classification only: three or more class labels (multi-class: the signal cut into equal bands). */
  classes?: string[];
}

function normal(next: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
}

export function makeSyntheticTask(root: string, id: string, options: SyntheticTaskOptions): TableTask {
  const { type, metric, trainRows = 400, testRows = 170 } = options;
  const rng = createRng(7, id);
  const dir = path.join(root, id);
  const publicDir = path.join(dir, 'public');
  mkdirSync(publicDir, { recursive: true });
  mkdirSync(path.join(dir, 'private'), { recursive: true });

  const header = ['id', 'x1', 'x2', 'x3', 'x4', 'color', 'target'];
  const rows: string[][] = [];
  for (let i = 0; i < trainRows + testRows; i++) {
    const x = [normal(rng.next), normal(rng.next), normal(rng.next), normal(rng.next)] as [number, number, number, number];
    const color = rng.pick(['red', 'green', 'blue']);
    const signal = 1.5 * x[0] - x[1] + 0.5 * x[2] * x[3] + (color === 'red' ? 0.8 : 0) + 0.5 * normal(rng.next);
    const classes = options.classes ?? options.labels ?? ['0', '1'];
    const band = Math.min(classes.length - 1, Math.max(0, Math.floor((signal / 4 + 0.5) * classes.length)));
    const target =
      type === 'tabular-classification'
        ? (options.classes ? classes[band] : classes[signal > 0 ? 1 : 0]) as string
        : (10 + 3 * signal).toFixed(4);
    // Some missing values, so imputation has work to do.
    const x3 = rng.chance(0.08) ? '' : x[2].toFixed(4);
    const c = rng.chance(0.05) ? '' : color;
    rows.push([String(1000 + i), x[0].toFixed(4), x[1].toFixed(4), x3, x[3].toFixed(4), c, target]);
  }
  const csv = (lines: string[][]): string => lines.map((l) => l.join(',')).join('\n') + '\n';
  const train = rows.slice(0, trainRows);
  const test = rows.slice(trainRows);
  writeFileSync(path.join(publicDir, 'train.csv'), csv([header, ...train]));
  writeFileSync(path.join(publicDir, 'test.csv'), csv([header.slice(0, -1), ...test.map((r) => r.slice(0, -1))]));
  const placeholder = type === 'tabular-classification' && metric !== 'auc' && metric !== 'logloss' ? ((options.classes ?? options.labels ?? ['0', '1'])[0] as string) : '0';
  writeFileSync(path.join(publicDir, 'sample_submission.csv'), csv([['id', 'target'], ...test.map((r) => [r[0] as string, placeholder])]));
  writeFileSync(path.join(dir, 'private', 'answers.csv'), csv([['id', 'target'], ...test.map((r) => [r[0] as string, r[6] as string])]));
  writeFileSync(path.join(dir, 'description.md'), `# ${id}\n\nSynthetic ${type} task for tests.\n`);
  return spec(dir, id, type, metric, null);
}

function spec(dir: string, id: string, type: TableTask['type'], metric: MetricName, selectionPath: string | null): TableTask {
  const publicDir = path.join(dir, 'public');
  return {
    id,
    name: id,
    type,
    metric,
    direction: metric === 'logloss' || metric === 'rmse' || metric === 'mae' ? 'minimize' : 'maximize',
    target: 'target',
    idColumn: 'id',
    predictionColumns: ['target'],
    dir,
    descriptionPath: path.join(dir, 'description.md'),
    publicDir,
    files: {
      train: path.join(publicDir, 'train.csv'),
      test: path.join(publicDir, 'test.csv'),
      sampleSubmission: path.join(publicDir, 'sample_submission.csv'),
    },
    answersPath: path.join(dir, 'private', 'answers.csv'),
    gpu: false,
    selectionPath,
    leaderboardPath: null,
  };
}

const csvText = (lines: string[][]): string => lines.map((l) => l.map(quote).join(',')).join('\n') + '\n';
function quote(field: string): string {
  return /[",\n]/.test(field) ? `"${field.replace(/"/g, '""')}"` : field;
}

export interface SyntheticClassesOptions {
  metric: MetricName;
  /** Class labels; two for auc, logloss and f1 (the second is the positive class). */
  labels: string[];
  trainRows?: number;
  testRows?: number;
  /** Unlabelled rows appended to the public test file and sample submission (a selection holdout). */
  selectionRows?: number;
}

/** Writes a Crucible-layout task whose rows are made by `row(i, label)`; returns its spec. */
function writeClassTask(
  root: string,
  id: string,
  type: TableTask['type'],
  options: SyntheticClassesOptions,
  column: string,
  row: (i: number, label: string, labelIndex: number) => string,
): TableTask {
  const { metric, labels, trainRows = 300, testRows = 120, selectionRows = 0 } = options;
  const rng = createRng(11, id);
  const dir = path.join(root, id);
  mkdirSync(path.join(dir, 'public'), { recursive: true });
  mkdirSync(path.join(dir, 'private'), { recursive: true });
  const rows: string[][] = [];
  for (let i = 0; i < trainRows + testRows + selectionRows; i++) {
    const k = rng.int(labels.length);
    const label = labels[k] as string;
    rows.push([String(5000 + i), row(i, label, k), label]);
  }
  const train = rows.slice(0, trainRows);
  const test = rows.slice(trainRows, trainRows + testRows);
  const selection = rows.slice(trainRows + testRows);
  const publicTest = [...test, ...selection];
  const probabilistic = metric === 'auc' || metric === 'logloss';
  const placeholder = probabilistic ? '0.5' : (labels[0] as string);
  const pub = path.join(dir, 'public');
  writeFileSync(path.join(pub, 'train.csv'), csvText([['id', column, 'target'], ...train]));
  writeFileSync(path.join(pub, 'test.csv'), csvText([['id', column], ...publicTest.map((r) => r.slice(0, 2))]));
  writeFileSync(path.join(pub, 'sample_submission.csv'), csvText([['id', 'target'], ...publicTest.map((r) => [r[0] as string, placeholder])]));
  writeFileSync(path.join(dir, 'private', 'answers.csv'), csvText([['id', 'target'], ...test.map((r) => [r[0] as string, r[2] as string])]));
  let selectionPath: string | null = null;
  if (selection.length > 0) {
    selectionPath = path.join(dir, 'private', 'selection.csv');
    writeFileSync(selectionPath, csvText([['id', 'target'], ...selection.map((r) => [r[0] as string, r[2] as string])]));
  }
  writeFileSync(path.join(dir, 'description.md'), `# ${id}\n\nSynthetic ${type} task for tests.\n`);
  return spec(dir, id, type, metric, selectionPath);
}

const COMMON_WORDS = 'the a of and to in is it that was for on with as this at by from be have an not but are'.split(' ');
const TOPIC_WORDS = [
  'goal match team score player season coach league striker referee',
  'market stock price shares investor profit bank earnings trade fund',
  'galaxy planet orbit telescope star rocket comet lunar solar astronaut',
  'recipe oven flour butter sugar bake dough spice garlic simmer',
].map((t) => t.split(' '));

/**
 * A text-classification task: documents of common words, each class with its own topic words (and
 * some topic words of other classes as noise), a few misspellings, quotes and commas, and one empty
 * document.
 */
export function makeSyntheticTextTask(root: string, id: string, options: SyntheticClassesOptions): TableTask {
  const rng = createRng(5, `${id}/words`);
  return writeClassTask(root, id, 'text-classification', options, 'text', (i, _label, k) => {
    if (i === 3) return '';
    const words: string[] = [];
    const length = 8 + rng.int(25);
    for (let w = 0; w < length; w++) {
      const r = rng.next();
      if (r < 0.55) words.push(rng.pick(COMMON_WORDS));
      else if (r < 0.85) words.push(rng.pick(TOPIC_WORDS[k % TOPIC_WORDS.length] as string[]));
      else words.push(rng.pick(rng.pick(TOPIC_WORDS)));
    }
    if (rng.chance(0.2)) words[0] = `"${words[0] ?? ''}",`;
    if (rng.chance(0.2)) words.push(`${rng.pick(TOPIC_WORDS[k % TOPIC_WORDS.length] as string[])}s`);
    return words.join(' ');
  });
}

// ---- PNG writing (for image tasks) ----

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Buffer): number {
  let c = 0xffffffff;
  for (const b of bytes) c = (CRC_TABLE[(c ^ b) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(kind: string, body: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(body.length, 0);
  head.write(kind, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), body])), 0);
  return Buffer.concat([head, body, crc]);
}

const paeth = (a: number, b: number, c: number): number => {
  const p = a + b - c;
  const [pa, pb, pc] = [Math.abs(p - a), Math.abs(p - b), Math.abs(p - c)];
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
};

/**
 * An 8-bit PNG of `pixels` (rows of bytes, `channels` per pixel: 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA).
 * Row r is encoded with filter type r % 5, so every PNG filter appears in every image.
 */
export function encodePng(pixels: number[][], width: number, channels: 1 | 2 | 3 | 4): Buffer {
  const colorType = { 1: 0, 2: 4, 3: 2, 4: 6 }[channels];
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(pixels.length, 4);
  ihdr.set([8, colorType, 0, 0, 0], 8);
  const stride = width * channels;
  const raw: number[] = [];
  let previous: number[] = new Array<number>(stride).fill(0);
  pixels.forEach((line, r) => {
    const filter = r % 5;
    raw.push(filter);
    for (let i = 0; i < stride; i++) {
      const x = line[i] as number;
      const a = i >= channels ? (line[i - channels] as number) : 0;
      const b = previous[i] as number;
      const c = i >= channels ? (previous[i - channels] as number) : 0;
      const predictor = [0, a, b, Math.floor((a + b) / 2), paeth(a, b, c)][filter] as number;
      raw.push((x - predictor + 256) % 256);
    }
    previous = line;
  });
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Buffer.from(raw))), chunk('IEND', Buffer.alloc(0))]);
}

export interface SyntheticImageOptions extends SyntheticClassesOptions {
  /** Side of the square images (default 20). */
  side?: number;
}

/**
 * An image-classification task: PNGs under public/images/ of a noisy background with one shape per
 * class (horizontal bar, vertical bar, diagonal, ring), shifted at random. Every third image is
 * RGB, the others grayscale, and one in seven has an alpha channel.
 */
export function makeSyntheticImageTask(root: string, id: string, options: SyntheticImageOptions): TableTask {
  const side = options.side ?? 20;
  const rng = createRng(3, `${id}/pixels`);
  const imagesDir = path.join(root, id, 'public', 'images');
  mkdirSync(imagesDir, { recursive: true });
  return writeClassTask(root, id, 'image-classification', options, 'image', (i, _label, k) => {
    const [dx, dy] = [rng.int(7) - 3, rng.int(7) - 3];
    const c = (side - 1) / 2;
    const ink = (x: number, y: number): boolean => {
      const [u, v] = [x - dx - c, y - dy - c];
      switch (k % 4) {
        case 0:
          return Math.abs(v) <= 1.5 && Math.abs(u) <= side / 3;
        case 1:
          return Math.abs(u) <= 1.5 && Math.abs(v) <= side / 3;
        case 2:
          return Math.abs(u - v) <= 1.5 && Math.abs(u) <= side / 3;
        default:
          return Math.abs(Math.hypot(u, v) - side / 4) <= 1.2;
      }
    };
    const channels: 1 | 2 | 3 | 4 = i % 7 === 0 ? (i % 2 === 0 ? 2 : 4) : i % 3 === 0 ? 3 : 1;
    const rows: number[][] = [];
    for (let y = 0; y < side; y++) {
      const line: number[] = [];
      for (let x = 0; x < side; x++) {
        const value = Math.max(0, Math.min(255, Math.round((ink(x, y) ? 170 : 40) + 70 * normal(rng.next))));
        if (channels === 1) line.push(value);
        else if (channels === 2) line.push(value, 255);
        else if (channels === 3) line.push(value, value, value);
        else line.push(value, value, value, 255);
      }
      rows.push(line);
    }
    const file = `images/${i}.png`;
    writeFileSync(path.join(root, id, 'public', file), encodePng(rows, side, channels));
    return file;
  });
}

/**
 * The Crucible task layout: task.yaml (schema.ts), description.md, public/ (train, test, sample
 * submission) and private/ (answers; optionally the selection holdout and leaderboard.csv). The
 * bundled tasks are built in this layout by scripts/setup.sh.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { checkClassColumns, checkDescription, checkSampleIds, checkTaskFiles } from '../checks.js';
import { checkColumns } from '../columns.js';
import { notUtf8 } from '../csv.js';
import { TaskError } from '../errors.js';
import { headerOf, isDir, isFile } from '../files.js';
import { metricDirection } from '../metrics.js';
import { taskYamlSchema, type TaskYaml } from '../schema.js';
import type { TaskSource } from '../source.js';
import type { TableTask } from '../types.js';

function valueAt(data: unknown, keys: readonly PropertyKey[]): unknown {
  let v = data;
  for (const k of keys) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[k];
  }
  return v;
}

function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return JSON.stringify(v);
}

/** One zod issue as "field `files.train`: …", in the words of the task.yaml author. */
function describeIssue(issue: z.core.$ZodIssue, data: unknown): string {
  const field = issue.path.map(String).join('.');
  const got = valueAt(data, issue.path);
  // zod reports an absent enum as a bad value; the author needs to hear that it is missing.
  if (got === undefined && (issue.code === 'invalid_type' || issue.code === 'invalid_value')) {
    return `field \`${field}\`: required`;
  }
  switch (issue.code) {
    case 'unrecognized_keys': {
      const keys = issue.keys.map((k) => `\`${field ? `${field}.` : ''}${k}\``).join(', ');
      return `unknown field${issue.keys.length > 1 ? 's' : ''} ${keys}`;
    }
    case 'invalid_type':
      return `field \`${field}\`: expected ${issue.expected}, got ${describeValue(got)}`;
    case 'invalid_value':
      return `field \`${field}\`: expected one of ${issue.values.map(String).join(', ')} (got ${describeValue(got)})`;
    case 'too_small':
      return `field \`${field}\`: must not be empty`;
    default:
      return `field \`${field}\`: ${issue.message} (got ${describeValue(got)})`;
  }
}

/** A task.yaml is a few lines; anything this big is not one. */
const MAX_TASK_YAML_BYTES = 1024 ** 2;

async function readTaskYaml(file: string): Promise<TaskYaml> {
  const info = await stat(file).catch((err: NodeJS.ErrnoException) => err);
  if (info instanceof Error && info.code === 'ENOENT') {
    const dir = path.dirname(file);
    const hint = isFile(path.join(dir, 'prepare.py'))
      ? ` (${dir} is a task source: build it with \`python ${path.join(dir, 'prepare.py')} OUTDIR\` or scripts/setup.sh, then load the built task)`
      : '';
    throw new TaskError(`${file}: missing task.yaml; a task folder needs task.yaml, description.md, public/ and private/${hint}`);
  }
  if (info instanceof Error) throw new TaskError(`${file}: cannot be read (${info.code ?? info.message})`);
  if (!info.isFile()) throw new TaskError(`${file}: not a file; task.yaml must be a YAML file`);
  if (info.size > MAX_TASK_YAML_BYTES) {
    throw new TaskError(`${file}: ${info.size} bytes; a task.yaml is a few lines of YAML (at most ${MAX_TASK_YAML_BYTES} bytes)`);
  }
  const bytes = await readFile(file).catch((err: NodeJS.ErrnoException) => {
    throw new TaskError(`${file}: cannot be read (${err.code ?? err.message})`);
  });
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new TaskError(`${file}: ${notUtf8(bytes)}`);
  }
  const doc = parseDocument(text);
  if (doc.errors.length > 0) {
    throw new TaskError(`${file}: malformed YAML: ${doc.errors.map((e) => e.message).join('; ')}`);
  }
  const data: unknown = doc.toJS();
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new TaskError(`${file}: expected a mapping of fields (id, name, type, metric, …) at the top level`);
  }
  const parsed = taskYamlSchema.safeParse(data);
  if (!parsed.success) {
    throw new TaskError(parsed.error.issues.map((issue) => `${file}: ${describeIssue(issue, data)}`).join('\n'));
  }
  return parsed.data;
}

/** Resolves a task.yaml file name inside `base`, refusing names that could point outside the task. */
function inside(base: string, rel: string, yamlFile: string, field: string): string {
  if (path.isAbsolute(rel) || path.win32.isAbsolute(rel) || rel.split(/[\\/]+/).includes('..')) {
    throw new TaskError(
      `${yamlFile}: field \`${field}\`: ${JSON.stringify(rel)} must be a relative path inside the task folder (no \`..\`, not absolute)`,
    );
  }
  return path.join(base, rel);
}

function mustExist(file: string, yamlFile: string, field: string): void {
  if (!isFile(file)) throw new TaskError(`${yamlFile}: field \`${field}\`: file not found: ${file}`);
}

async function loadCrucibleTask(dir: string): Promise<TableTask> {
  const yamlFile = path.join(dir, 'task.yaml');
  const y = await readTaskYaml(yamlFile);

  const natural = metricDirection(y.metric);
  if (y.direction !== undefined && y.direction !== natural) {
    throw new TaskError(
      `${yamlFile}: field \`direction\`: ${y.metric} is ${natural === 'maximize' ? 'higher' : 'lower'} is better, so direction must be ${natural} (got ${y.direction})`,
    );
  }

  const descriptionPath = path.join(dir, 'description.md');
  if (!isFile(descriptionPath)) throw new TaskError(`${dir}: missing description.md`);
  const publicDir = path.join(dir, 'public');
  if (!isDir(publicDir)) throw new TaskError(`${dir}: missing public/ folder`);

  const train = inside(publicDir, y.files.train, yamlFile, 'files.train');
  const test = inside(publicDir, y.files.test, yamlFile, 'files.test');
  const sampleSubmission = inside(publicDir, y.files.sample_submission, yamlFile, 'files.sample_submission');
  const answersPath = inside(dir, y.answers, yamlFile, 'answers');
  mustExist(train, yamlFile, 'files.train');
  mustExist(test, yamlFile, 'files.test');
  mustExist(sampleSubmission, yamlFile, 'files.sample_submission');
  mustExist(answersPath, yamlFile, 'answers');

  let selectionPath: string | null = null;
  if (y.selection !== undefined) {
    selectionPath = inside(dir, y.selection, yamlFile, 'selection');
    mustExist(selectionPath, yamlFile, 'selection');
  }

  let leaderboardPath: string | null = null;
  if (y.leaderboard !== undefined) {
    leaderboardPath = inside(dir, y.leaderboard, yamlFile, 'leaderboard');
    mustExist(leaderboardPath, yamlFile, 'leaderboard');
  } else if (isFile(path.join(dir, 'leaderboard.csv'))) {
    leaderboardPath = path.join(dir, 'leaderboard.csv');
  }

  // What a solution fills in: the target itself, or one probability column per class of it (two or
  // more; with fewer, the sample must hold the target, which checkColumns asks for by name).
  const others = headerOf(sampleSubmission).filter((c) => c !== y.id_column);
  const predictionColumns = others.length >= 2 ? others : [y.target];

  const spec: TableTask = {
    id: y.id,
    name: y.name,
    type: y.type,
    metric: y.metric,
    direction: natural,
    target: y.target,
    idColumn: y.id_column,
    predictionColumns,
    dir,
    descriptionPath,
    publicDir,
    files: { train, test, sampleSubmission },
    answersPath,
    selectionPath,
    leaderboardPath,
    gpu: y.resources.gpu,
  };
  checkDescription(descriptionPath, dir);
  checkTaskFiles(spec);
  checkColumns(spec, 'task.yaml');
  checkSampleIds(spec);
  checkClassColumns(spec, yamlFile);
  return spec;
}

export const crucible: TaskSource = {
  kind: 'crucible',
  detects: (dir) => isFile(path.join(dir, 'task.yaml')),
  load: loadCrucibleTask,
};

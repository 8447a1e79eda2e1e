/**
 * MLE-bench competitions as Crucible tasks.
 *
 * `mlebench prepare -c <id>` writes `<data-dir>/<id>/prepared/public/` (what the agent sees:
 * description.md, train/test files, a sample submission; names vary per competition) and
 * `<data-dir>/<id>/prepared/private/` (the answers, usually test.csv or answers.csv). The
 * competition's metadata lives in the mlebench package's registry, `mlebench/competitions/<id>/`:
 * config.yaml (`name`, `dataset.answers` and `dataset.sample_submission` relative to the data dir,
 * `grader: {name, grade_fn}`, `description`) and leaderboard.csv (Kaggle's final leaderboard, best
 * first; only `score` is used). Source: openai/mle-bench, mlebench/registry.py, mlebench/grade.py,
 * mlebench/grade_helpers.py.
 *
 * Such a folder loads as a TaskSpec: the id column and the target are the sample submission's first
 * and second columns, the metric comes from the grader name (MLEBENCH_GRADERS), and an optional
 * crucible.yaml next to prepared/ overrides any of it. Grading goes through the real mlebench grader
 * when the Python package is installed and knows the competition (mlebenchGrader.ts), and through
 * Crucible's own grader otherwise.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { pythonPath } from '../../config/paths.js';
import { checkTaskFiles } from '../checks.js';
import { checkColumns } from '../columns.js';
import { TaskError } from '../errors.js';
import { headerOf, isDir, isFile } from '../files.js';
import { metricDirection } from '../metrics.js';
import type { TaskSource } from '../source.js';
import type { MetricName, TaskSpec, TaskType } from '../types.js';

/**
 * MLE-bench grader names (config.yaml `grader.name`) that a Crucible metric computes the same way.
 * Others (quadratic-weighted-kappa, multi-class-log-loss, column-wise AUCs, …) need `metric:` in
 * crucible.yaml, and are still graded exactly by the mlebench package when it is installed.
 */
export const MLEBENCH_GRADERS: Readonly<Record<string, MetricName>> = {
  accuracy: 'accuracy',
  'classification-accuracy': 'accuracy',
  'multi-class-classification-accuracy': 'accuracy',
  'auc-roc': 'auc',
  'roc-auc': 'auc',
  auc: 'auc',
  'log-loss': 'logloss',
  'binary-log-loss': 'logloss',
  logloss: 'logloss',
  'root-mean-squared-error': 'rmse',
  root_mean_squared_error: 'rmse',
  rmse: 'rmse',
  'mean-absolute-error': 'mae',
  mean_absolute_error: 'mae',
  mae: 'mae',
  f1: 'f1',
  'f1-score': 'f1',
  f1_score: 'f1',
};

const METRIC_NAMES = ['accuracy', 'auc', 'logloss', 'rmse', 'mae', 'f1'] as const satisfies readonly MetricName[];
const TASK_TYPES = ['tabular-classification', 'tabular-regression', 'text-classification', 'image-classification'] as const satisfies readonly TaskType[];
const ID_PATTERN = /^[a-z0-9][a-z0-9._-]*$/i;
const relativeFile = z.string().trim().min(1);

/** crucible.yaml next to prepared/: every field optional, unknown ones rejected. Paths as in task.yaml. */
export const crucibleYamlSchema = z.strictObject({
  id: z.string().regex(ID_PATTERN, 'letters, digits, ".", "_" and "-" only, starting with a letter or digit').optional(),
  name: z.string().trim().min(1).optional(),
  type: z.enum(TASK_TYPES).optional(),
  metric: z.enum(METRIC_NAMES).optional(),
  target: z.string().min(1).optional(),
  id_column: z.string().min(1).optional(),
  /** Relative to prepared/public/. */
  files: z.strictObject({ train: relativeFile.optional(), test: relativeFile.optional(), sample_submission: relativeFile.optional() }).optional(),
  /** Relative to the competition folder (the one holding prepared/). */
  answers: relativeFile.optional(),
  selection: relativeFile.optional(),
  leaderboard: relativeFile.optional(),
  resources: z.strictObject({ gpu: z.boolean().default(false) }).optional(),
});
export type CrucibleYaml = z.infer<typeof crucibleYamlSchema>;

/** The parts of an mlebench config.yaml that Crucible reads. */
const configYamlSchema = z.looseObject({
  id: z.string().optional(),
  name: z.string().optional(),
  dataset: z.looseObject({ answers: z.string().optional(), sample_submission: z.string().optional() }).optional(),
  grader: z.looseObject({ name: z.string(), grade_fn: z.string().optional() }).optional(),
});

function readYaml(file: string): unknown {
  const doc = parseDocument(readFileSync(file, 'utf8'));
  if (doc.errors.length > 0) throw new TaskError(`${file}: malformed YAML: ${doc.errors.map((e) => e.message).join('; ')}`);
  const data: unknown = doc.toJS();
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new TaskError(`${file}: expected a mapping of fields at the top level`);
  }
  return data;
}

function zodProblems(file: string, issues: z.core.$ZodIssue[]): TaskError {
  return new TaskError(
    issues
      .map((i) => {
        const field = i.path.map(String).join('.');
        if (i.code === 'unrecognized_keys') return `${file}: unknown field${i.keys.length > 1 ? 's' : ''} ${i.keys.map((k) => `\`${field ? `${field}.` : ''}${k}\``).join(', ')}`;
        return `${file}: field \`${field}\`: ${i.message}`;
      })
      .join('\n'),
  );
}

function readCrucibleYaml(file: string): CrucibleYaml {
  const data = readYaml(file);
  const parsed = crucibleYamlSchema.safeParse(data);
  if (!parsed.success) throw zodProblems(file, parsed.error.issues);
  return parsed.data;
}

export function readConfigYaml(file: string): z.infer<typeof configYamlSchema> {
  const parsed = configYamlSchema.safeParse(readYaml(file));
  if (!parsed.success) throw zodProblems(file, parsed.error.issues);
  return parsed.data;
}

function inside(base: string, rel: string, file: string, field: string): string {
  if (path.isAbsolute(rel) || path.win32.isAbsolute(rel) || rel.split(/[\\/]+/).includes('..')) {
    throw new TaskError(`${file}: field \`${field}\`: ${JSON.stringify(rel)} must be a relative path inside ${base} (no \`..\`, not absolute)`);
  }
  return path.join(base, rel);
}

const LFS_POINTER = 'version https://git-lfs.github.com/spec/v1';

/**
 * The Python that runs the mlebench grader: CRUCIBLE_MLEBENCH_PYTHON, else the project's Python
 * (CRUCIBLE_PYTHON or the venv scripts/setup.sh makes) when it exists, else python3 on PATH.
 */
export function defaultPython(): string {
  if (process.env.CRUCIBLE_MLEBENCH_PYTHON) return process.env.CRUCIBLE_MLEBENCH_PYTHON;
  const project = pythonPath();
  return isFile(project) ? project : 'python3';
}

/** Registry folders of the installed mlebench package, by Python executable (null: not installed). */
const installedRegistry = new Map<string, string | null>();

/** `mlebench/competitions` of the installed package, or null (no Python, or no mlebench). Synchronous; asked once per Python. */
function installedCompetitionsDir(python: string): string | null {
  if (installedRegistry.has(python)) return installedRegistry.get(python)!;
  let found: string | null = null;
  try {
    const out = execFileSync(python, ['-c', 'import mlebench, os; print(os.path.join(os.path.dirname(mlebench.__file__), "competitions"))'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 30_000,
    }).trim();
    found = out !== '' && isDir(out) ? out : null;
  } catch {
    found = null;
  }
  installedRegistry.set(python, found);
  return found;
}

/**
 * The competition's registry folder (config.yaml, leaderboard.csv): the competition folder itself
 * when it holds either (a mirrored registry, as in test/fixtures/mlebench), else
 * `$MLEBENCH_COMPETITIONS_DIR/<id>`, else the installed mlebench package's `competitions/<id>`.
 */
function findRegistryDir(dir: string, competitionId: string): string | null {
  if (isFile(path.join(dir, 'config.yaml')) || isFile(path.join(dir, 'leaderboard.csv'))) return dir;
  const fromEnv = process.env.MLEBENCH_COMPETITIONS_DIR;
  if (fromEnv && isDir(path.join(fromEnv, competitionId))) return path.join(fromEnv, competitionId);
  const installed = installedCompetitionsDir(defaultPython());
  if (installed !== null && isDir(path.join(installed, competitionId))) return path.join(installed, competitionId);
  return null;
}

function csvFiles(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isFile() && e.name.toLowerCase().endsWith('.csv'))
      .map((e) => e.name)
      .sort();
  } catch {
    return [];
  }
}

function pick(dir: string, candidates: readonly string[]): string | null {
  for (const name of candidates) if (isFile(path.join(dir, name))) return name;
  return null;
}

/**
 * Loads a competition folder prepared by `mlebench prepare` (`<data-dir>/<id>/prepared/{public,private}`)
 * as a TaskSpec. Throws TaskError naming the file and what is expected when something cannot be
 * inferred; crucible.yaml next to prepared/ can say it instead.
 */
function loadMlebenchTask(dir: string): TaskSpec {
  const competitionId = path.basename(dir);
  const publicDir = path.join(dir, 'prepared', 'public');
  const privateDir = path.join(dir, 'prepared', 'private');
  const overrideFile = path.join(dir, 'crucible.yaml');
  const o: CrucibleYaml = isFile(overrideFile) ? readCrucibleYaml(overrideFile) : {};
  const id = o.id ?? competitionId;
  if (!ID_PATTERN.test(id)) {
    throw new TaskError(`${dir}: the folder name "${competitionId}" is not a usable task id; set \`id:\` in ${overrideFile}`);
  }

  const registryDir = findRegistryDir(dir, competitionId);
  const configFile = registryDir === null ? null : path.join(registryDir, 'config.yaml');
  const config = configFile !== null && isFile(configFile) ? readConfigYaml(configFile) : null;
  const graderName = config?.grader?.name ?? null;

  // Files of prepared/public: crucible.yaml, else config.yaml's sample_submission, else the usual names.
  const dataDir = path.dirname(dir);
  const fromConfig = (rel: string | undefined): string | null => {
    if (rel === undefined) return null;
    const p = path.join(dataDir, rel);
    return isFile(p) ? p : null;
  };
  const publicCsvs = csvFiles(publicDir);
  const sampleSubmission =
    (o.files?.sample_submission !== undefined ? inside(publicDir, o.files.sample_submission, overrideFile, 'files.sample_submission') : null) ??
    fromConfig(config?.dataset?.sample_submission) ??
    (() => {
      const name = pick(publicDir, ['sample_submission.csv', 'sampleSubmission.csv', 'sample_submission_null.csv']) ??
        publicCsvs.find((f) => /sample.*submission/i.test(f)) ??
        null;
      if (name === null) {
        throw new TaskError(
          `${publicDir}: no sample submission found (expected sample_submission.csv or a *sample*submission*.csv; ` +
            `CSV files here: ${publicCsvs.join(', ') || 'none'}); set \`files.sample_submission\` in ${overrideFile}`,
        );
      }
      return path.join(publicDir, name);
    })();
  const sampleName = path.basename(sampleSubmission);
  const train =
    o.files?.train !== undefined
      ? inside(publicDir, o.files.train, overrideFile, 'files.train')
      : (() => {
          const name = pick(publicDir, ['train.csv', 'training.csv', 'train_labels.csv', 'labels.csv']);
          if (name === null) {
            throw new TaskError(
              `${publicDir}: no training file found (expected train.csv; CSV files here: ${publicCsvs.join(', ') || 'none'}); ` +
                `set \`files.train\` in ${overrideFile}`,
            );
          }
          return path.join(publicDir, name);
        })();
  const test =
    o.files?.test !== undefined
      ? inside(publicDir, o.files.test, overrideFile, 'files.test')
      : (() => {
          const name = pick(publicDir, ['test.csv', 'testing.csv']) ?? publicCsvs.find((f) => /test/i.test(f) && f !== sampleName) ?? null;
          if (name === null) {
            throw new TaskError(
              `${publicDir}: no test file found (expected test.csv; CSV files here: ${publicCsvs.join(', ') || 'none'}); ` +
                `set \`files.test\` in ${overrideFile}`,
            );
          }
          return path.join(publicDir, name);
        })();
  for (const [file, field] of [[sampleSubmission, 'files.sample_submission'], [train, 'files.train'], [test, 'files.test']] as const) {
    if (!isFile(file)) throw new TaskError(`${file}: file not found (${field}${o.files ? ` in ${overrideFile}` : ''})`);
  }

  const answersPath =
    (o.answers !== undefined ? inside(dir, o.answers, overrideFile, 'answers') : null) ??
    fromConfig(config?.dataset?.answers) ??
    (() => {
      const privateCsvs = csvFiles(privateDir);
      const name = pick(privateDir, ['answers.csv', 'test.csv', 'solution.csv']) ?? (privateCsvs.length === 1 ? privateCsvs[0]! : null);
      if (name === null) {
        throw new TaskError(
          `${privateDir}: no answers found (expected answers.csv or test.csv; CSV files here: ${privateCsvs.join(', ') || 'none'}); ` +
            `set \`answers\` in ${overrideFile}`,
        );
      }
      return path.join(privateDir, name);
    })();
  if (!isFile(answersPath)) throw new TaskError(`${answersPath}: file not found (answers${o.answers !== undefined ? ` in ${overrideFile}` : ''})`);

  // Id column and target: the sample submission's first two columns.
  const sampleHeader = headerOf(sampleSubmission);
  const idColumn = o.id_column ?? sampleHeader[0];
  if (idColumn === undefined || idColumn === '') throw new TaskError(`${sampleSubmission}: no columns; a sample submission needs an id column and a target column`);
  let target = o.target;
  if (target === undefined) {
    if (sampleHeader.length !== 2) {
      throw new TaskError(
        `${sampleSubmission}: expected two columns, the id and the target (got ${sampleHeader.length}: ${sampleHeader.slice(0, 8).join(', ')}` +
          `${sampleHeader.length > 8 ? ', …' : ''}); set \`target:\` (and \`id_column:\`) in ${overrideFile}`,
      );
    }
    target = sampleHeader[1]!;
  }

  const metric =
    o.metric ??
    (() => {
      if (graderName === null) {
        throw new TaskError(
          `${dir}: no metric: no mlebench config.yaml found (looked next to prepared/, in $MLEBENCH_COMPETITIONS_DIR/${competitionId} ` +
            `and in the installed mlebench package); set \`metric:\` (one of ${METRIC_NAMES.join(', ')}) in ${overrideFile}`,
        );
      }
      const m = MLEBENCH_GRADERS[graderName];
      if (m === undefined) {
        throw new TaskError(
          `${configFile}: grader \`${graderName}\` has no Crucible equivalent (known: ${Object.keys(MLEBENCH_GRADERS).join(', ')}); ` +
            `set \`metric:\` (one of ${METRIC_NAMES.join(', ')}) in ${overrideFile}`,
        );
      }
      return m;
    })();
  const direction = metricDirection(metric);
  const type: TaskType = o.type ?? (metric === 'rmse' || metric === 'mae' ? 'tabular-regression' : 'tabular-classification');

  // description.md: mlebench copies it into prepared/public; the registry folder has the original.
  const descriptionPath = [path.join(publicDir, 'description.md'), path.join(dir, 'description.md'), registryDir && path.join(registryDir, 'description.md')]
    .filter((p): p is string => typeof p === 'string')
    .find(isFile);
  if (descriptionPath === undefined) {
    throw new TaskError(`${publicDir}: missing description.md (mlebench prepare copies the competition's description.md there)`);
  }

  let leaderboardPath: string | null = null;
  if (o.leaderboard !== undefined) {
    leaderboardPath = inside(dir, o.leaderboard, overrideFile, 'leaderboard');
    if (!isFile(leaderboardPath)) throw new TaskError(`${overrideFile}: field \`leaderboard\`: file not found: ${leaderboardPath}`);
  } else if (registryDir !== null && isFile(path.join(registryDir, 'leaderboard.csv'))) {
    leaderboardPath = path.join(registryDir, 'leaderboard.csv');
  }
  if (leaderboardPath !== null && readFileSync(leaderboardPath, 'utf8').startsWith(LFS_POINTER)) {
    throw new TaskError(`${leaderboardPath}: a Git LFS pointer, not the leaderboard; fetch it with \`git lfs pull\` in the mle-bench checkout`);
  }

  let selectionPath: string | null = null;
  if (o.selection !== undefined) {
    selectionPath = inside(dir, o.selection, overrideFile, 'selection');
    if (!isFile(selectionPath)) throw new TaskError(`${overrideFile}: field \`selection\`: file not found: ${selectionPath}`);
  }

  return {
    id,
    name: o.name ?? config?.name ?? competitionId,
    type,
    metric,
    direction,
    target,
    idColumn,
    dir,
    descriptionPath,
    publicDir,
    files: { train, test, sampleSubmission },
    answersPath,
    selectionPath,
    leaderboardPath,
    gpu: o.resources?.gpu ?? false,
    mlebench: { competitionId, dataDir, registryDir, graderName },
  };
}

export const mlebench: TaskSource = {
  kind: 'mlebench',
  /** A competition folder prepared by `mlebench prepare`: prepared/public and prepared/private. */
  detects: (dir) => isDir(path.join(dir, 'prepared', 'public')) && isDir(path.join(dir, 'prepared', 'private')),
  load: async (dir) => {
    const spec = loadMlebenchTask(dir);
    checkTaskFiles(spec);
    return checkColumns(spec, 'crucible.yaml or the sample submission');
  },
};

/**
 * MLE-bench competitions as Crucible tasks, exactly as `mlebench prepare -c <id>` leaves them:
 * `<data-dir>/<id>/prepared/public/` (what the agent sees: description.md and any files — tables,
 * JSON, zips, folders of images or audio) and `prepared/private/` (the answers). The competition's
 * registry entry (config.yaml: answers and sample submission paths, grader; leaderboard.csv) is found
 * by mlebenchRegistry.ts. No override file: what a solution predicts comes from the sample
 * submission and the heads of the public tables (mlebenchShape.ts). Grading is the competition's own
 * grader's (tasks/grade.ts), never a substitute metric.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { checkDescription, checkPublicTree } from '../checks.js';
import { TaskError } from '../errors.js';
import { isDir, isFile } from '../files.js';
import { metricDirection } from '../metrics.js';
import { describePublic, publicEntries } from '../publicOverview.js';
import type { TaskSource } from '../source.js';
import { isTableFile, readTableHead } from '../tableHead.js';
import type { MetricName, TaskSpec } from '../types.js';
import { competitionRegistryDir, readConfigYaml } from './mlebenchRegistry.js';
import { submissionShape, type NamedTable } from './mlebenchShape.js';

/**
 * The metric a solution reports on its own validation split, by mlebench grader name, where one of
 * Crucible's computes what the grader does (over one column, or averaged over columns). Only the
 * solution's own validation uses it; the hidden grade is always the competition's grader.
 */
export const VALIDATION_METRICS: Readonly<Record<string, MetricName>> = {
  accuracy: 'accuracy',
  'multi-class-classification-accuracy': 'accuracy',
  'auc-roc': 'auc',
  'column-wise ROC AUC': 'auc',
  'mean-column-wise-roc-auc': 'auc',
  'log-loss': 'logloss',
  'multi-class-log-loss': 'logloss',
  'root-mean-squared-error': 'rmse',
  root_mean_squared_error: 'rmse',
  'mean-absolute-error': 'mae',
  'f1-score': 'f1',
};

/** Grader names whose scores are better lower, for competitions whose leaderboard cannot be read. */
const LOWER_IS_BETTER = /loss|error|rmsle|distance|divergence|levenh?s?htein/i;

const LFS_POINTER = 'version https://git-lfs.github.com/spec/v1';

/** The public tables that hold the training rows and the test inputs, by the names Kaggle uses. */
function findTable(names: readonly string[], role: 'train' | 'test', exclude: string): string | null {
  const tables = names.filter((n) => isTableFile(n) && n !== exclude && !/sample|submission/i.test(n));
  const exact = [`${role}.csv`, `${role}.csv.zip`, ...(role === 'train' ? ['training.csv', 'labels.csv', 'train_labels.csv'] : ['testing.csv'])];
  return exact.find((n) => tables.includes(n)) ?? tables.find((n) => new RegExp(role === 'train' ? 'train' : 'test', 'i').test(n)) ?? null;
}

function head(dir: string, name: string): NamedTable {
  return { name, ...readTableHead(path.join(dir, name)) };
}

/** The leaderboard, or why medals cannot be awarded. */
function leaderboardOf(registryDir: string): { path: string | null; problem: string | null; lowerIsBetter: boolean | null } {
  const file = path.join(registryDir, 'leaderboard.csv');
  if (!isFile(file)) return { path: null, problem: `no leaderboard at ${file}: no medals`, lowerIsBetter: null };
  const text = readFileSync(file, 'utf8');
  if (text.startsWith(LFS_POINTER)) {
    return { path: null, problem: `${file} is a Git LFS pointer, not the leaderboard: no medals until \`git lfs pull\` in the mle-bench checkout`, lowerIsBetter: null };
  }
  // mlebench's rule (Grader.is_lower_better): the first entry is the best one.
  const scores = head(registryDir, 'leaderboard.csv');
  const at = scores.header.indexOf('score');
  if (at < 0 || scores.rows.length < 2) throw new TaskError(`${file}: expected a \`score\` column and at least two teams`);
  return { path: file, problem: null, lowerIsBetter: Number(scores.rows[0]![at]) < Number(scores.rows.at(-1)![at]) };
}

/** Loads a competition folder prepared by `mlebench prepare`; a TaskError names the file at fault. */
async function loadMlebenchTask(dir: string): Promise<TaskSpec> {
  const competitionId = path.basename(dir);
  const publicDir = path.join(dir, 'prepared', 'public');
  const registryDir = await competitionRegistryDir(dir, competitionId);
  const configFile = path.join(registryDir, 'config.yaml');
  const config = readConfigYaml(configFile);
  const dataDir = path.dirname(dir);
  const registered = (field: 'answers' | 'sample_submission'): string => {
    const file = path.join(dataDir, config.dataset[field]);
    if (!isFile(file)) throw new TaskError(`${file}: not found (${configFile} field \`dataset.${field}\`); prepare the competition with \`mlebench prepare -c ${competitionId}\``);
    return file;
  };
  const answersPath = registered('answers');
  const names = readdirSync(publicDir);
  // Some configs name a copy in private/ (text normalization); the agent's is the one in public/.
  const registeredSample = registered('sample_submission');
  const publicSample = names.find((n) => isTableFile(n) && /sample.*submission/i.test(n));
  const sampleSubmission = registeredSample.startsWith(publicDir + path.sep) || publicSample === undefined ? registeredSample : path.join(publicDir, publicSample);

  const descriptionPath = path.join(publicDir, 'description.md');
  if (!isFile(descriptionPath)) throw new TaskError(`${descriptionPath}: missing (mlebench prepare writes the competition's description there)`);
  checkDescription(descriptionPath, dir);
  checkPublicTree(publicDir);

  const entries = publicEntries(publicDir);
  const sampleName = path.relative(publicDir, sampleSubmission);
  const trainName = findTable(names, 'train', sampleName);
  const testName = findTable(names, 'test', sampleName);
  const metric = VALIDATION_METRICS[config.grader.name] ?? null;
  const sample: NamedTable = { ...readTableHead(sampleSubmission), name: sampleName };
  const shape = submissionShape(
    sample,
    trainName === null ? null : head(publicDir, trainName),
    testName === null ? null : head(publicDir, testName),
    metric,
  );

  const board = leaderboardOf(registryDir);
  const lowerIsBetter = board.lowerIsBetter ?? (metric !== null ? metricDirection(metric) === 'minimize' : LOWER_IS_BETTER.test(config.grader.name));
  return {
    id: competitionId,
    name: config.name ?? competitionId,
    type: shape.type,
    metric,
    direction: lowerIsBetter ? 'minimize' : 'maximize',
    target: shape.target,
    idColumn: shape.idColumn,
    predictionColumns: shape.predictionColumns,
    dir,
    descriptionPath,
    publicDir,
    files: {
      train: trainName === null ? null : path.join(publicDir, trainName),
      test: testName === null ? null : path.join(publicDir, testName),
      sampleSubmission,
    },
    answersPath,
    selectionPath: null,
    leaderboardPath: board.path,
    gpu: false,
    mlebench: {
      competitionId,
      dataDir,
      registryDir,
      graderName: config.grader.name,
      shape: shape.why === null ? describePublic(entries) : `${describePublic(entries)}. Not one table of rows to predict: ${shape.why}`,
      leaderboardProblem: board.problem,
    },
  };
}

export const mlebench: TaskSource = {
  kind: 'mlebench',
  /** A competition folder prepared by `mlebench prepare`: prepared/public and prepared/private. */
  detects: (dir) => isDir(path.join(dir, 'prepared', 'public')) && isDir(path.join(dir, 'prepared', 'private')),
  load: loadMlebenchTask,
};

/**
 * MLE-bench's competition registry and splits, found the way a user who installed mlebench expects:
 * the mlebench package of the Python named by CRUCIBLE_MLEBENCH_PYTHON (else the project's Python;
 * defaultPython()), asked once where its registry, its splits and its default data folder are
 * (mlebench_registry.py). MLEBENCH_COMPETITIONS_DIR and MLEBENCH_SPLITS_DIR each replace one of those
 * folders; with both set no mlebench is asked (a stand-in for tests and CI). The data folder is
 * --data-dir, else MLEBENCH_DATA_DIR, else mlebench's default (`mlebench prepare` writes there without
 * --data-dir). README.md, "Where Crucible finds MLE-bench", says the same.
 */
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { projectRoot, pythonPath } from '../../config/paths.js';
import { TaskError } from '../errors.js';
import { isDir, isFile } from '../files.js';
import { NATIVE_GRADED } from '../graders/index.js';

/**
 * The Python whose mlebench Crucible uses (registry and grader): CRUCIBLE_MLEBENCH_PYTHON, else the
 * project's Python (CRUCIBLE_PYTHON or the venv scripts/setup.sh makes) when it exists, else python3.
 */
export function defaultPython(): string {
  if (process.env.CRUCIBLE_MLEBENCH_PYTHON) return process.env.CRUCIBLE_MLEBENCH_PYTHON;
  const project = pythonPath();
  return isFile(project) ? project : 'python3';
}

/** The parts of an mlebench config.yaml that Crucible reads. */
const configYamlSchema = z.looseObject({
  id: z.string().optional(),
  name: z.string().optional(),
  dataset: z.looseObject({ answers: z.string(), sample_submission: z.string() }),
  grader: z.looseObject({ name: z.string(), grade_fn: z.string().optional() }),
});
export type ConfigYaml = z.infer<typeof configYamlSchema>;

/** A competition's config.yaml; a TaskError names the file and the field at fault. */
export function readConfigYaml(file: string): ConfigYaml {
  const doc = parseDocument(readFileSync(file, 'utf8'));
  if (doc.errors.length > 0) throw new TaskError(`${file}: malformed YAML: ${doc.errors.map((e) => e.message).join('; ')}`);
  const parsed = configYamlSchema.safeParse(doc.toJS());
  if (!parsed.success) {
    throw new TaskError(parsed.error.issues.map((i) => `${file}: field \`${i.path.map(String).join('.')}\`: ${i.message}`).join('\n'));
  }
  return parsed.data;
}

export interface MlebenchRegistry {
  /** The Python whose mlebench was asked; null when none was (both variables of splitRegistry set). */
  python: string | null;
  /** mlebench/competitions: a folder per competition with its config.yaml. */
  competitionsDir: string;
  /** experiments/splits of the checkout mlebench was installed from: a competition id a line per split. */
  splitsDir: string;
  /** mlebench's DEFAULT_DATA_DIR (user_cache_dir()/mle-bench/data); null when no mlebench was asked. */
  defaultDataDir: string | null;
}

/** The named Python is missing or has no mlebench: bad input, not a failure while running. */
export class MlebenchUnavailable extends TaskError {
  override name = 'MlebenchUnavailable';
}

const SCRIPT = path.join(projectRoot, 'src', 'tasks', 'sources', 'mlebench_registry.py');

const answerSchema = z.object({ competitions_dir: z.string(), splits_dir: z.string(), data_dir: z.string() });

/** What to do when `python` has no mlebench. */
function installHint(python: string): string {
  return 'install mlebench from its repository (it is not on PyPI): ' +
    `\`git clone https://github.com/openai/mle-bench && ${python} -m pip install -e mle-bench\`, ` +
    'or set CRUCIBLE_MLEBENCH_PYTHON to a Python that has it (the same for the CLI and every worker)';
}

/** Registries found, by Python: asked once per process. */
const found = new Map<string, Promise<MlebenchRegistry>>();

/** Asks `python` (one process, once) where its mlebench keeps the registry. */
export function findMlebenchRegistry(python: string = defaultPython()): Promise<MlebenchRegistry> {
  let hit = found.get(python);
  if (hit === undefined) {
    hit = askRegistry(python);
    found.set(python, hit);
  }
  return hit;
}

/**
 * A competition's registry folder (config.yaml, leaderboard.csv): the competition folder itself when
 * it holds a config.yaml (a registry copied next to prepared/), else `$MLEBENCH_COMPETITIONS_DIR/<id>`,
 * else the named Python's mlebench. A TaskError says how to make one available.
 */
export async function competitionRegistryDir(competitionDir: string, competitionId: string): Promise<string> {
  if (isFile(path.join(competitionDir, 'config.yaml'))) return competitionDir;
  const fromEnv = process.env.MLEBENCH_COMPETITIONS_DIR;
  if (fromEnv) {
    const dir = path.join(fromEnv, competitionId);
    if (isFile(path.join(dir, 'config.yaml'))) return dir;
    throw new TaskError(`${dir}: no config.yaml; MLEBENCH_COMPETITIONS_DIR (${fromEnv}) must be mlebench's competitions folder, holding one folder per competition`);
  }
  const registry = await findMlebenchRegistry();
  const dir = path.join(registry.competitionsDir, competitionId);
  if (!isFile(path.join(dir, 'config.yaml'))) {
    throw new TaskError(`the mlebench of ${registry.python} has no competition "${competitionId}" (${dir}): update mlebench, or check the folder name`);
  }
  return dir;
}

async function askRegistry(python: string): Promise<MlebenchRegistry> {
  const run = await new Promise<{ code: number | string | null; stdout: string; stderr: string }>((resolve) => {
    execFile(python, [SCRIPT], { encoding: 'utf8', timeout: 60_000 }, (err, stdout, stderr) =>
      resolve({ code: err === null ? 0 : ((err as NodeJS.ErrnoException).code ?? null), stdout, stderr }));
  });
  if (run.code === 'ENOENT') throw new MlebenchUnavailable(`no Python at ${python}: ${installHint(python)}`);
  const said = run.stderr.trim().split('\n').pop() ?? '';
  if (run.code === 3) throw new MlebenchUnavailable(`${python} cannot import mlebench (${said}): ${installHint(python)}`);
  if (run.code !== 0) throw new TaskError(`${python} ${SCRIPT} failed (exit ${String(run.code)}): ${said || 'no output'}`);
  const parsed = answerSchema.safeParse(parseJson(run.stdout.trim().split('\n').pop() ?? ''));
  if (!parsed.success) throw new TaskError(`${python} ${SCRIPT}: unexpected answer ${JSON.stringify(run.stdout.slice(0, 200))}`);
  const a = parsed.data;
  return { python, competitionsDir: a.competitions_dir, splitsDir: a.splits_dir, defaultDataDir: a.data_dir };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * The registry that splits are read from: MLEBENCH_COMPETITIONS_DIR and MLEBENCH_SPLITS_DIR (a folder
 * of <split>.txt files, as mle-bench's experiments/splits) where set, the named Python's mlebench for
 * the rest; with both set no mlebench is needed.
 */
export async function splitRegistry(): Promise<MlebenchRegistry> {
  const competitionsDir = process.env.MLEBENCH_COMPETITIONS_DIR || null;
  const splitsDir = process.env.MLEBENCH_SPLITS_DIR || null;
  if (competitionsDir !== null && splitsDir !== null) {
    return { python: null, competitionsDir: path.resolve(competitionsDir), splitsDir: path.resolve(splitsDir), defaultDataDir: null };
  }
  const installed = await findMlebenchRegistry();
  return { ...installed, competitionsDir: competitionsDir ?? installed.competitionsDir, splitsDir: splitsDir ?? installed.splitsDir };
}

/** Where prepared competitions are read: `flag` (--data-dir), else MLEBENCH_DATA_DIR, else mlebench's default. */
export function mlebenchDataDir(registry: MlebenchRegistry, flag?: string): string {
  const dir = flag ?? (process.env.MLEBENCH_DATA_DIR || registry.defaultDataDir);
  if (dir === null) {
    throw new MlebenchUnavailable('no MLE-bench data folder: give --data-dir or set MLEBENCH_DATA_DIR (mlebench\'s default folder is known only where mlebench is installed)');
  }
  return path.resolve(dir);
}

/** `lite` is low.txt, as mlebench's get_lite_competition_ids; `all` every competition of the registry. */
const LITE = { name: 'lite', file: 'low' } as const;
const ALL = 'all';

/** The splits `registry` knows: lite, all, and a name per file of its splits folder. */
export function splitNames(registry: MlebenchRegistry): string[] {
  const files = isDir(registry.splitsDir) ? readdirSync(registry.splitsDir).filter((f) => f.endsWith('.txt')).map((f) => f.slice(0, -4)).sort() : [];
  return [...(files.includes(LITE.file) ? [LITE.name] : []), ALL, ...files];
}

/** The competition ids of a split, or null for a split the registry does not know. */
export function splitCompetitionIds(registry: MlebenchRegistry, split: string): string[] | null {
  if (split === ALL) {
    return readdirSync(registry.competitionsDir, { withFileTypes: true })
      .filter((e) => e.isDirectory() && isFile(path.join(registry.competitionsDir, e.name, 'config.yaml')))
      .map((e) => e.name)
      .sort();
  }
  if (!splitNames(registry).includes(split)) return null;
  const file = path.join(registry.splitsDir, `${split === LITE.name ? LITE.file : split}.txt`);
  return readFileSync(file, 'utf8').split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '');
}

export interface CompetitionStatus {
  id: string;
  /** `mlebench prepare` has left prepared/public and prepared/private in the data folder. */
  prepared: boolean;
  /** config.yaml's `grader.name` (null: not in the registry). */
  grader: string | null;
  /** Crucible grades it natively where mlebench is not installed (graders/index.ts). */
  nativeGrader: boolean;
}

export interface SplitListing {
  split: string;
  python: string | null;
  competitionsDir: string;
  dataDir: string;
  prepared: number;
  competitions: CompetitionStatus[];
}

/** A split's competitions and what is prepared of them in `dataDir`; null for an unknown split. */
export function listSplit(registry: MlebenchRegistry, split: string, dataDir: string): SplitListing | null {
  const ids = splitCompetitionIds(registry, split);
  if (ids === null) return null;
  const competitions = ids.map((id): CompetitionStatus => {
    const prepared = path.join(dataDir, id, 'prepared');
    const config = path.join(registry.competitionsDir, id, 'config.yaml');
    return {
      id,
      prepared: isDir(path.join(prepared, 'public')) && isDir(path.join(prepared, 'private')),
      grader: isFile(config) ? (readConfigYaml(config).grader.name) : null,
      nativeGrader: NATIVE_GRADED.includes(id),
    };
  });
  return {
    split, python: registry.python, competitionsDir: registry.competitionsDir, dataDir,
    prepared: competitions.filter((c) => c.prepared).length, competitions,
  };
}

import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listTaskIds, listTasks, loadTask, TaskError } from '../../../src/tasks/load.js';
import { DEFAULT_YAML, leaderboardCsv, tempDir, writeTask } from './fixtures.js';

let root: string;
let cleanup: () => void;
let savedHome: string | undefined;

beforeEach(() => {
  ({ dir: root, cleanup } = tempDir());
  savedHome = process.env.CRUCIBLE_HOME;
  process.env.CRUCIBLE_HOME = path.join(root, 'home');
});
afterEach(() => {
  if (savedHome === undefined) delete process.env.CRUCIBLE_HOME;
  else process.env.CRUCIBLE_HOME = savedHome;
  cleanup();
});

/** The error loadTask throws, as a TaskError. */
async function loadError(pathOrId: string): Promise<TaskError> {
  const err = await loadTask(pathOrId).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TaskError);
  return err as TaskError;
}

function yamlWith(replace: [string | RegExp, string][]): string {
  return replace.reduce<string>((y, [from, to]) => y.replace(from, to), DEFAULT_YAML);
}

describe('loadTask from a folder', () => {
  it('loads a valid task with absolute paths and the metric default direction', async () => {
    const dir = writeTask(path.join(root, 't'));
    const t = await loadTask(dir);
    expect(t).toEqual({
      id: 'tiny',
      name: 'Tiny task',
      type: 'tabular-classification',
      metric: 'accuracy',
      direction: 'maximize',
      target: 'target',
      idColumn: 'id',
      predictionColumns: ['target'],
      dir,
      descriptionPath: path.join(dir, 'description.md'),
      publicDir: path.join(dir, 'public'),
      files: {
        train: path.join(dir, 'public/train.csv'),
        test: path.join(dir, 'public/test.csv'),
        sampleSubmission: path.join(dir, 'public/sample_submission.csv'),
      },
      answersPath: path.join(dir, 'private/answers.csv'),
      selectionPath: null,
      leaderboardPath: null,
      gpu: false,
    });
  });

  it('defaults direction from the metric (rmse → minimize) and finds leaderboard.csv', async () => {
    const dir = writeTask(path.join(root, 't'), {
      yaml: yamlWith([['metric: accuracy', 'metric: rmse'], ['tabular-classification', 'tabular-regression']]),
      leaderboard: leaderboardCsv([0.1, 0.2, 0.3]),
    });
    const t = await loadTask(dir);
    expect(t.direction).toBe('minimize');
    expect(t.leaderboardPath).toBe(path.join(dir, 'leaderboard.csv'));
  });

  it('accepts an explicit direction that agrees with the metric, and explicit answers/leaderboard paths', async () => {
    const dir = writeTask(path.join(root, 't'), {
      yaml: DEFAULT_YAML + 'direction: maximize\nanswers: private/answers.csv\nleaderboard: private/board.csv\n',
    });
    writeFileSync(path.join(dir, 'private/board.csv'), leaderboardCsv([1, 0.5]));
    expect((await loadTask(dir)).leaderboardPath).toBe(path.join(dir, 'private/board.csv'));
  });

  it('resolves a relative path from the working directory', async () => {
    writeTask(path.join(root, 'rel'));
    const rel = path.relative(process.cwd(), path.join(root, 'rel'));
    expect((await loadTask(rel)).dir).toBe(path.join(root, 'rel'));
  });

  it('missing folder and missing task.yaml', async () => {
    expect((await loadError(path.join(root, 'nope'))).message).toBe(`task folder not found: ${path.join(root, 'nope')}`);
    const dir = writeTask(path.join(root, 't'));
    rmSync(path.join(dir, 'task.yaml'));
    expect((await loadError(dir)).message).toContain(`${path.join(dir, 'task.yaml')}: missing task.yaml`);
  });

  it('points at building a task source that has prepare.py but no task.yaml', async () => {
    const src = path.join(root, 'src-task');
    mkdirSync(src);
    writeFileSync(path.join(src, 'prepare.py'), '');
    expect((await loadError(src)).message).toMatch(/is a task source: build it with `python .*prepare\.py OUTDIR`/);
  });

  it('malformed YAML names the file', async () => {
    const dir = writeTask(path.join(root, 't'), { yaml: 'id: tiny\nname: [unclosed\n' });
    const msg = (await loadError(dir)).message;
    expect(msg).toContain(`${path.join(dir, 'task.yaml')}: malformed YAML:`);
  });

  it('rejects duplicate keys and a non-mapping document', async () => {
    const dup = writeTask(path.join(root, 'dup'), { yaml: DEFAULT_YAML + 'metric: auc\n' });
    expect((await loadError(dup)).message).toContain('malformed YAML');
    const list = writeTask(path.join(root, 'list'), { yaml: '- id: tiny\n' });
    expect((await loadError(list)).message).toContain('task.yaml: expected a mapping of fields');
    const empty = writeTask(path.join(root, 'empty'), { yaml: '' });
    expect((await loadError(empty)).message).toContain('task.yaml: expected a mapping of fields');
  });

  it('maps schema violations to file and field', async () => {
    const bad = (name: string, yaml: string) => loadError(writeTask(path.join(root, name), { yaml }));
    expect((await bad('metric', yamlWith([['metric: accuracy', 'metric: AUC']]))).message).toContain(
      'task.yaml: field `metric`: expected one of accuracy, auc, logloss, rmse, mae, f1 (got "AUC")',
    );
    expect((await bad('type', yamlWith([['tabular-classification', 'image']]))).message).toContain(
      'task.yaml: field `type`: expected one of tabular-classification, tabular-regression, text-classification, image-classification (got "image")',
    );
    expect((await bad('target', yamlWith([['target: target\n', '']]))).message).toContain('task.yaml: field `target`: required');
    expect((await bad('train', yamlWith([['  train: train.csv\n', '']]))).message).toContain('task.yaml: field `files.train`: required');
    const typo = (await bad('typo', yamlWith([['metric:', 'metrc:']]))).message;
    expect(typo).toContain('task.yaml: unknown field `metrc`');
    expect(typo).toContain('task.yaml: field `metric`: required');
    expect((await bad('nested', DEFAULT_YAML.replace('  test: test.csv', '  test: test.csv\n  extra: x.csv'))).message).toContain(
      'unknown field `files.extra`',
    );
    expect((await bad('kind', yamlWith([['name: Tiny task', 'name: [1, 2]']]))).message).toContain(
      'task.yaml: field `name`: expected string, got a list',
    );
    expect((await bad('emptyname', yamlWith([['name: Tiny task', 'name: ""']]))).message).toContain(
      'task.yaml: field `name`: must not be empty',
    );
    expect((await bad('id', yamlWith([['id: tiny', 'id: "bad id!"']]))).message).toContain('task.yaml: field `id`: letters, digits');
    expect((await bad('dir', yamlWith([['id_column: id', 'id_column: id\ndirection: up']]))).message).toContain(
      'field `direction`: expected one of maximize, minimize (got "up")',
    );
  });

  it('rejects a direction that contradicts the metric', async () => {
    const dir = writeTask(path.join(root, 't'), { yaml: DEFAULT_YAML + 'direction: minimize\n' });
    expect((await loadError(dir)).message).toContain(
      'field `direction`: accuracy is higher is better, so direction must be maximize (got minimize)',
    );
  });

  it('names missing files with the field and path', async () => {
    const dir = writeTask(path.join(root, 't'), { train: null });
    expect((await loadError(dir)).message).toBe(
      `${path.join(dir, 'task.yaml')}: field \`files.train\`: file not found: ${path.join(dir, 'public/train.csv')}`,
    );
    const noAnswers = writeTask(path.join(root, 'a'), { answers: null });
    expect((await loadError(noAnswers)).message).toContain('field `answers`: file not found');
    const noBoard = writeTask(path.join(root, 'b'), { yaml: DEFAULT_YAML + 'leaderboard: lb.csv\n' });
    expect((await loadError(noBoard)).message).toContain(`field \`leaderboard\`: file not found: ${path.join(noBoard, 'lb.csv')}`);
    const noDesc = writeTask(path.join(root, 'd'), { description: null });
    expect((await loadError(noDesc)).message).toBe(`${noDesc}: missing description.md`);
  });

  it('rejects `..` and absolute paths in file names', async () => {
    const bad = (name: string, yaml: string) => loadError(writeTask(path.join(root, name), { yaml }));
    expect((await bad('up', yamlWith([['train: train.csv', 'train: ../private/answers.csv']]))).message).toContain(
      'field `files.train`: "../private/answers.csv" must be a relative path inside the task folder',
    );
    expect((await bad('abs', yamlWith([['test: test.csv', 'test: /etc/passwd']]))).message).toContain(
      'field `files.test`: "/etc/passwd" must be a relative path',
    );
    expect((await bad('deep', DEFAULT_YAML + 'answers: private/../../x.csv\n')).message).toContain('field `answers`');
    expect((await bad('win', yamlWith([['sample_submission: sample_submission.csv', 'sample_submission: "..\\\\x.csv"']]))).message).toContain(
      'field `files.sample_submission`',
    );
  });

  it('checks columns from the headers: target, id, and no labels in test', async () => {
    const noTarget = writeTask(path.join(root, 'a'), { train: 'id,x\n1,2\n' });
    expect((await loadError(noTarget)).message).toContain(`${path.join(noTarget, 'public/train.csv')}: missing column \`target\``);
    const leak = writeTask(path.join(root, 'b'), { test: 'id,x,target\n1,0,1\n' });
    expect((await loadError(leak)).message).toContain('holds the target column `target`');
    const sample = writeTask(path.join(root, 'c'), { sample: 'id,label\n1,0\n' });
    expect((await loadError(sample)).message).toContain('missing column `target`');
    const answers = writeTask(path.join(root, 'd'), { answers: 'row,target\n1,0\n' });
    expect((await loadError(answers)).message).toContain('missing column `id`');
  });

  it('validates the leaderboard: a score column, numbers, sorted best first', async () => {
    const bad = (name: string, leaderboard: string) => loadError(writeTask(path.join(root, name), { leaderboard }));
    expect((await bad('cols', 'teamId,points\n1,2\n')).message).toContain('missing column `score`');
    expect((await bad('num', leaderboardCsv([0.9]).replace(/0\.9,True$/m, 'n/a,True'))).message).toContain(
      'row 1: score "n/a" is not a finite number',
    );
    expect((await bad('empty', 'teamId,score\n')).message).toContain('no rows');
    // Ascending scores for a maximize metric: the direction or the metric is wrong.
    expect((await bad('order', leaderboardCsv([0.5, 0.7, 0.6]))).message).toContain(
      'rows must be sorted best first for direction maximize, but row 2 (0.7) beats row 1 (0.5)',
    );
  });
});

describe('loadTask by id and listTasks', () => {
  it('resolves ids under the built tasks folder and lists them', async () => {
    const home = path.join(root, 'home', 'tasks');
    writeTask(path.join(home, 'tiny'));
    writeTask(path.join(home, 'other'), { yaml: DEFAULT_YAML.replace('id: tiny', 'id: other') });
    // Half-built folders from setup and folders without task.yaml are not tasks.
    mkdirSync(path.join(home, 'tiny.tmp'));
    writeFileSync(path.join(home, 'tiny.tmp', 'task.yaml'), DEFAULT_YAML);
    mkdirSync(path.join(home, 'junk'));
    expect((await loadTask('tiny')).dir).toBe(path.join(home, 'tiny'));
    expect(listTaskIds()).toEqual(['other', 'tiny']);
    expect((await listTasks()).map((t) => t.id)).toEqual(['other', 'tiny']);
  });

  it('an unknown id lists the known ones', async () => {
    writeTask(path.join(root, 'home', 'tasks', 'tiny'));
    expect((await loadError('tinny')).message).toBe(
      `unknown task "tinny": known tasks are tiny (in ${path.join(root, 'home', 'tasks')})`,
    );
  });

  it('an unknown id with nothing built says how to build', async () => {
    expect((await loadError('breast-cancer')).message).toContain('no tasks are built');
    expect((await loadError('')).message).toContain('no task given');
  });

  it('an id whose task.yaml says another id is an error', async () => {
    writeTask(path.join(root, 'home', 'tasks', 'renamed'));
    expect((await loadError('renamed')).message).toContain('field `id` is "tiny" but the folder is "renamed"');
  });

  it('listTasks throws for a broken built task, naming it', async () => {
    writeTask(path.join(root, 'home', 'tasks', 'tiny'), { yaml: 'id: [\n' });
    await expect(listTasks()).rejects.toThrow(/tiny.task\.yaml: malformed YAML/);
  });
});

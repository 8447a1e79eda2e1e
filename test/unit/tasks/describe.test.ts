import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../../src/config/paths.js';
import { describeTask, firstParagraph, formatTaskSummary } from '../../../src/tasks/describe.js';
import { loadTask } from '../../../src/tasks/load.js';
import { DEFAULT_YAML, leaderboardCsv, tempDir, writeTask } from './fixtures.js';

let root: string;
let cleanup: () => void;
beforeAll(() => ({ dir: root, cleanup } = tempDir()));
afterAll(() => cleanup());

describe('describeTask (crucible tasks show)', () => {
  it('summarises an MLE-bench competition', async () => {
    const dir = path.join(projectRoot, 'test', 'fixtures', 'mlebench', 'toy-spaceship');
    const s = await describeTask(await loadTask(dir));
    expect(s).toMatchObject({
      id: 'toy-spaceship',
      name: 'Toy Spaceship',
      layout: 'mlebench',
      metric: 'accuracy',
      direction: 'maximize',
      rows: { train: 12, test: 10, hiddenTest: 10, holdout: null },
      columns: { train: ['PassengerId', 'HomePlanet', 'Age', 'Transported'], test: ['PassengerId', 'HomePlanet', 'Age'], submission: ['PassengerId', 'Transported'] },
      leaderboard: { size: 20, thresholds: { gold: 0.9, silver: 0.8, bronze: 0.7, median: 0.6 } },
      descriptionPath: path.join(dir, 'prepared', 'public', 'description.md'),
    });
    expect(s.firstParagraph).toMatch(/^A toy competition in the layout `mlebench prepare` writes/);
    const text = formatTaskSummary(s);
    expect(text).toContain('toy-spaceship: Toy Spaceship');
    expect(text).toContain('graded by    accuracy, the competition\'s own grader (maximize, higher is better)');
    expect(text).toContain('thresholds   gold 0.9  silver 0.8  bronze 0.7  median 0.6');
    expect(text).toContain(`description  ${path.join(dir, 'prepared', 'public', 'description.md')}`);
  });

  it('counts the selection holdout apart from the hidden test', async () => {
    const dir = writeTask(path.join(root, 'sel'), {
      yaml: DEFAULT_YAML + 'selection: private/selection.csv\n',
      test: 'id,x\n1,0\n2,0\n3,0\n4,0\n5,0\n6,0\n7,0\n',
      sample: 'id,target\n1,0\n2,0\n3,0\n4,0\n5,0\n6,0\n7,0\n',
      leaderboard: leaderboardCsv([0.9, 0.5, 0.1]),
      description: '# Tiny\n\nFirst paragraph,\nover two lines.\n\nSecond.\n',
    });
    writeFileSync(path.join(dir, 'private/selection.csv'), 'id,target\n6,1\n7,0\n');
    const s = await describeTask(await loadTask(dir));
    expect(s.rows).toEqual({ train: 2, test: 7, hiddenTest: 5, holdout: 2 });
    expect(s.layout).toBe('crucible');
    expect(s.firstParagraph).toBe('First paragraph, over two lines.');
    expect(formatTaskSummary(s)).toContain('rows         train 2, test 7 (hidden test 5 + selection holdout 2)');
  });

  it('without a leaderboard, says so', async () => {
    const s = await describeTask(await loadTask(writeTask(path.join(root, 'nolb'), {})));
    expect(s.leaderboard).toBeNull();
    expect(formatTaskSummary(s)).toContain('leaderboard  none (no medal thresholds)');
  });

  it('firstParagraph skips headings, joins lines and truncates', () => {
    expect(firstParagraph('# A\n## B\n\n  text one\ntext two\n\nlater')).toBe('text one text two');
    expect(firstParagraph('# only headings\n')).toBe('');
    expect(firstParagraph('x'.repeat(700), 10)).toBe('xxxxxxxxx…');
  });
});

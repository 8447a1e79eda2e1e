import { cpSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../../src/config/paths.js';
import { sourceFor, TASK_SOURCES } from '../../../src/tasks/sources/index.js';
import { tempDir, writeTask } from './fixtures.js';

const MLEBENCH_FIXTURE = path.join(projectRoot, 'test', 'fixtures', 'mlebench', 'toy-spaceship');

let root: string;
let cleanup: () => void;
beforeAll(() => ({ dir: root, cleanup } = tempDir('crucible-sources-')));
afterAll(() => cleanup());

describe('the task source registry', () => {
  it('lists each layout once', () => {
    const kinds = TASK_SOURCES.map((s) => s.kind);
    expect(kinds).toEqual(['crucible', 'mlebench']);
  });

  it('matches a folder to its layout; task.yaml wins over prepared/, and an unknown folder reads as a Crucible task', () => {
    expect(sourceFor(writeTask(path.join(root, 'plain'))).kind).toBe('crucible');
    expect(sourceFor(MLEBENCH_FIXTURE).kind).toBe('mlebench');
    const both = path.join(root, 'both');
    cpSync(MLEBENCH_FIXTURE, both, { recursive: true });
    writeTask(both);
    expect(sourceFor(both).kind).toBe('crucible');
    const empty = path.join(root, 'empty');
    mkdirSync(empty);
    expect(sourceFor(empty).kind).toBe('crucible');
  });
});

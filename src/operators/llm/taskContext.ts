/**
 * What the prompts say about a task: its description and an overview of its public data. The default
 * reads description.md and, for each public CSV, its columns, row count and first rows; a richer
 * overview (generated once per task inside the sandbox and cached as an artifact) can be injected.
 */
import { open, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { scoreName, type TaskSpec } from '../../tasks/types.js';

export interface TaskContext {
  description: string;
  dataOverview: string;
  /** The sample submission's header, e.g. "id,target". */
  submissionColumns: string;
}

export type TaskContextProvider = (task: TaskSpec) => Promise<TaskContext>;

const HEAD_ROWS = 3;
const MAX_LINE = 300;
const MAX_BYTES = 256 * 1024;

async function csvSummary(file: string): Promise<string> {
  const name = path.basename(file);
  const handle = await open(file, 'r').catch(() => null);
  if (!handle) return `- ${name}: (missing)`;
  try {
    const { size } = await stat(file);
    const buf = Buffer.alloc(Math.min(size, MAX_BYTES));
    await handle.read(buf, 0, buf.length, 0);
    const lines = buf.toString('utf8').split('\n').filter((l) => l.trim() !== '');
    const header = lines[0] ?? '';
    const cut = (l: string): string => (l.length > MAX_LINE ? `${l.slice(0, MAX_LINE)}…` : l);
    // Rows: exact when the file was read whole, else estimated from the bytes read.
    const rows = size <= MAX_BYTES ? `${Math.max(0, lines.length - 1)} rows` : `about ${Math.round(((lines.length - 1) * size) / MAX_BYTES)} rows`;
    const columns = header.split(',').length;
    return [`- ${name}: ${rows}, ${columns} columns`, '  ```', ...lines.slice(0, HEAD_ROWS + 1).map((l) => `  ${cut(l)}`), '  ```'].join('\n');
  } finally {
    await handle.close();
  }
}

export async function defaultTaskContext(task: TaskSpec): Promise<TaskContext> {
  const description = (await readFile(task.descriptionPath, 'utf8').catch(() => `(no description at ${task.descriptionPath})`)).trim();
  const files = [task.files.train, task.files.test, task.files.sampleSubmission].filter((f): f is string => f !== null && !f.endsWith('.zip'));
  const overview = [
    task.mlebench === undefined
      ? `Task type: ${task.type}. Target column: \`${task.target}\`. Id column: \`${task.idColumn}\`.`
      : `Data folder: ${task.mlebench.shape}. Predict \`${task.predictionColumns.join('`, `')}\` per \`${task.idColumn}\`.`,
    `Metric: ${scoreName(task)} (${task.direction === 'maximize' ? 'higher' : 'lower'} is better).`,
    'Tables in the data folder:',
    ...(await Promise.all(files.map(csvSummary))),
  ].join('\n');
  const sample = await readFile(task.files.sampleSubmission, 'utf8').catch(() => '');
  const submissionColumns = sample.split('\n')[0]?.trim() || [task.idColumn, ...task.predictionColumns].join(',');
  return { description, dataOverview: overview, submissionColumns };
}

/** Caches a provider's answer per task id for the life of the backend. */
export function cachedTaskContext(provider: TaskContextProvider): TaskContextProvider {
  const cache = new Map<string, Promise<TaskContext>>();
  return (task) => {
    let hit = cache.get(task.id);
    if (!hit) {
      hit = provider(task);
      hit.catch(() => cache.delete(task.id));
      cache.set(task.id, hit);
    }
    return hit;
  };
}

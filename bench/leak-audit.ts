/**
 * The leak audit's table (route × set-up → rows claimed / correct / chance, before and after), written
 * to bench/results/leak-audit.md: the same audit test/integration/leak-audit.test.ts asserts on
 * (test/fixtures/leak-audit/audit.ts), run on every built task in every set-up this machine has.
 *
 *   npx tsx bench/leak-audit.ts [--walk-seconds 30]
 *
 * Needs the built tasks and venvs of scripts/setup.sh; Docker and bubblewrap where available.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { builtTasksDir } from '../src/config/paths.js';
import { listTaskIds, loadTask } from '../src/tasks/load.js';
import { availableSetUps, renderAudit, runAudit } from '../test/fixtures/leak-audit/audit.js';

const { values } = parseArgs({ options: { 'walk-seconds': { type: 'string', default: '30' } } });
const walkSeconds = Number(values['walk-seconds']);
if (!(walkSeconds > 0)) throw new Error(`--walk-seconds: expected a positive number of seconds, got ${values['walk-seconds']}`);

const taskIds = listTaskIds(builtTasksDir());
if (taskIds.length === 0) throw new Error(`no built tasks in ${builtTasksDir()}: run scripts/setup.sh (npm run setup) first`);
const tasks = await Promise.all(taskIds.map((id) => loadTask(id)));
const { setUps, missing } = await availableSetUps(walkSeconds);
const started = Date.now();
const runs = await runAudit(setUps, tasks);
const table = renderAudit(runs, taskIds);
const out = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results', 'leak-audit.md');
mkdirSync(path.dirname(out), { recursive: true });
writeFileSync(out, [
  '# Leak audit',
  '',
  `${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} cores, ${((Date.now() - started) / 1000).toFixed(0)} s; walk budget ${walkSeconds} CPU-seconds ` +
    `(the leaky set-ups half of it). Produced by \`npx tsx bench/leak-audit.ts\`; asserted by test/integration/leak-audit.test.ts.`,
  '',
  'Set-ups: `docker` and `bwrap` are the sandboxes solutions run in, as they are. The two marked "before" are leaky on ' +
    'purpose, to show that the audit can fail: the process sandbox with the task-building Python (.crucible/tasks-venv, ' +
    'the environment solutions ran in before it was split off), and isolation `none` with CRUCIBLE_ALLOW_UNISOLATED=on.',
  ...(missing.length > 0 ? ['', `Not on this machine: ${missing.join('; ')}.`] : []),
  '',
  table,
  '',
].join('\n'));
console.log(table);
console.log(`\nwrote ${out}`);

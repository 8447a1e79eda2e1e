/** Regenerates README.md from table.yaml: `npx tsx test/bad-inputs/readme.ts`. */
import { writeFileSync } from 'node:fs';
import { README_FILE, loadTable, renderReadme } from './table.js';

writeFileSync(README_FILE, renderReadme(loadTable()));
console.log(`wrote ${README_FILE}`);

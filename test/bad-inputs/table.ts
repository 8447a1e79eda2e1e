/** The bad-input table (table.yaml): its shape, loading, and the README rendered from it. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';

export const AREAS = ['task', 'config', 'cli', 'update', 'llm-reply'] as const;
export type Area = (typeof AREAS)[number];

export interface TaskInput {
  remove?: string[];
  mkdir?: string[];
  write?: Record<string, string>;
  latin1?: Record<string, string>;
  utf16?: Record<string, string>;
  sparse?: Record<string, number>;
  symlink?: Record<string, string>;
  yaml?: [string, string][];
  yamlAppend?: string;
  latin1Yaml?: boolean;
  maxMs?: number;
}
export interface ConfigInput {
  file: string;
  text?: string;
  latin1?: string;
}
export interface CliInput {
  options?: Record<string, string>;
  argv?: string[];
}
export interface UpdateInput {
  update: 'setBudget' | 'hint';
  args: unknown[];
}
export interface LlmInput {
  reply?: string;
  review?: { arguments?: string; content?: string };
}

export type BadInput =
  | { area: 'task'; name: string; input: TaskInput; expected: string; exitCode?: number }
  | { area: 'config'; name: string; input: ConfigInput; expected: string; exitCode?: number }
  | { area: 'cli'; name: string; input: CliInput; expected: string; exitCode?: number }
  | { area: 'update'; name: string; input: UpdateInput; expected: string; exitCode?: number }
  | { area: 'llm-reply'; name: string; input: LlmInput; expected: string; exitCode?: number };

export const here = path.dirname(fileURLToPath(import.meta.url));
export const TABLE_FILE = path.join(here, 'table.yaml');
export const README_FILE = path.join(here, 'README.md');

export function loadTable(file = TABLE_FILE): BadInput[] {
  const entries = YAML.parse(readFileSync(file, 'utf8')) as BadInput[];
  for (const e of entries) {
    if (!AREAS.includes(e.area)) throw new Error(`${file}: entry "${e.name}": unknown area "${e.area}"`);
    if (typeof e.expected !== 'string' || e.expected === '') throw new Error(`${file}: entry "${e.name}": no expected pattern`);
    new RegExp(e.expected);
  }
  return entries;
}

const clip = (s: string, n = 90) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
const shown = (s: string) => clip(JSON.stringify(s).slice(1, -1));

/** A one-line description of an entry's input, for the README. */
export function describeInput(e: BadInput): string {
  switch (e.area) {
    case 'task': {
      const i = e.input;
      const parts: string[] = [
        ...(i.remove ?? []).map((f) => `remove ${f}`),
        ...(i.mkdir ?? []).map((f) => `mkdir ${f}`),
        ...Object.entries(i.write ?? {}).map(([f, t]) => `${f} = "${shown(t)}"`),
        ...Object.entries(i.latin1 ?? {}).map(([f, t]) => `${f} = "${shown(t)}" in Latin-1`),
        ...Object.entries(i.utf16 ?? {}).map(([f, t]) => `${f} = "${shown(t)}" in UTF-16`),
        ...Object.entries(i.sparse ?? {}).map(([f, n]) => `${f}: ${n} bytes, sparse`),
        ...Object.entries(i.symlink ?? {}).map(([f, t]) => `${f} → ${t}`),
        ...(i.yaml ?? []).map(([from, to]) => `task.yaml: "${shown(from)}" → "${shown(to)}"`),
        ...(i.yamlAppend ? [`task.yaml += "${shown(i.yamlAppend)}"`] : []),
        ...(i.latin1Yaml ? ['task.yaml in Latin-1'] : []),
      ];
      return parts.join('; ');
    }
    case 'config':
      return e.input.text === undefined && e.input.latin1 === undefined
        ? `--agent ${e.input.file} (no such file)`
        : `--agent ${e.input.file}: "${shown(e.input.text ?? e.input.latin1 ?? '')}"${e.input.latin1 !== undefined ? ' in Latin-1' : ''}`;
    case 'cli':
      if (e.input.argv) return `crucible run ${e.input.argv.join(' ')}`;
      return `crucible run ${Object.entries(e.input.options ?? {}).map(([k, v]) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} ${v}`).join(' ')}`;
    case 'update':
      return `${e.input.update}(${e.input.args.map((a) => clip(JSON.stringify(a), 60)).join(', ')})`;
    case 'llm-reply':
      if (e.input.reply !== undefined) return `reply "${shown(e.input.reply)}"`;
      return e.input.review?.arguments !== undefined ? `submit_review(${clip(e.input.review.arguments)})` : `review "${shown(e.input.review?.content ?? '')}", no tool call`;
  }
}

/** Text inside a markdown table cell, as inline code that survives pipes, backticks and angle brackets. */
function cell(text: string): string {
  const escaped = text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\|/g, '&#124;');
  return `<code>${escaped}</code>`;
}

export function renderReadme(entries: readonly BadInput[]): string {
  const counts = AREAS.map((a) => `${a} ${entries.filter((e) => e.area === a).length}`).join(', ');
  const rows = entries.map((e, i) =>
    `| ${i + 1} | ${e.area} | ${e.name.replace(/\|/g, '&#124;')} | ${cell(describeInput(e))} | ${cell(e.expected)}${e.exitCode === undefined ? '' : ` (exit ${e.exitCode})`} |`);
  return [
    '# Bad inputs',
    '',
    '<!-- Generated from table.yaml by `npx tsx test/bad-inputs/readme.ts`; bad-inputs.test.ts fails while this file is out of date. -->',
    '',
    'Every way of feeding Crucible bad input that `bad-inputs.test.ts` tries, at each place input enters:',
    'task folders (`crucible run --task`), agent config files (`--agent`), command-line arguments,',
    'update payloads to a running run (the workflow\'s validators), and model replies (the operator\'s',
    'reply parser, and Analyze\'s review as the node\'s bug reason). Each is built for real (files, sparse',
    'files, links, a running workflow) and must be refused with an error that matches the pattern, naming',
    'the file, field, flag or problem; none may start a workflow or leave files in the state folder.',
    '',
    `${entries.length} bad inputs: ${counts}.`,
    '',
    '| # | area | bad input | what it is | error (pattern) |',
    '|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}

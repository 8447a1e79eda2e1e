/**
 * The house rules of docs/architecture.md "Layout", checked on the source itself: every import runs
 * down the layers, no two files import each other (directly or round a circle), and the pure folders
 * stay pure. A new folder must be given a layer here before anything can import it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve(import.meta.dirname, '../../src');

/** Lowest first. A folder may import only from folders on a lower layer. */
const LAYERS: readonly (readonly string[])[] = [
  ['core'],
  ['config', 'search', 'artifacts'],
  ['sandbox', 'tasks'],
  ['fitness', 'operators', 'reports'],
  ['activities'],
  ['workflows'],
  ['workers'],
  ['cli'],
];
const layerOf = new Map(LAYERS.flatMap((folders, rank) => folders.map((f) => [f, rank] as const)));

/** Folders whose code runs inside the workflow sandbox or must stay replayable: no I/O, no clock of their own. */
const PURE = ['core', 'search', 'fitness'];

interface Import { from: string; to: string; spec: string }

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return e.name.endsWith('.ts') ? [p] : [];
  });
}

/** Static and dynamic imports and re-exports, as written (comments are not parsed out: none name a module). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'";]*?from\s*'([^']+)'|\bimport\(\s*'([^']+)'\s*\)/g)]
    .map((m) => m[1] ?? m[2]!);
}

const files = sourceFiles(SRC);
const imports: Import[] = files.flatMap((from) => importsOf(from).map((spec) => ({
  from,
  spec,
  to: spec.startsWith('.') ? path.resolve(path.dirname(from), spec).replace(/\.js$/, '.ts') : spec,
})));
const folderOf = (file: string) => path.relative(SRC, file).split(path.sep)[0]!;
const rel = (file: string) => path.relative(SRC, file);

describe('architecture', () => {
  it('puts every folder of src/ on a layer', () => {
    const folders = new Set(files.map(folderOf));
    expect([...folders].filter((f) => !layerOf.has(f))).toEqual([]);
  });

  it('has every import run down the layers', () => {
    const upward = imports
      .filter((i) => i.spec.startsWith('.') && folderOf(i.to) !== folderOf(i.from))
      .filter((i) => layerOf.get(folderOf(i.to))! >= layerOf.get(folderOf(i.from))!)
      .map((i) => `${rel(i.from)} -> ${rel(i.to)}`);
    expect(upward).toEqual([]);
  });

  it('has no circle of imports between files', () => {
    const graph = new Map<string, string[]>();
    for (const i of imports) if (i.spec.startsWith('.') && i.to.endsWith('.ts')) graph.set(i.from, [...(graph.get(i.from) ?? []), i.to]);
    const state = new Map<string, 'open' | 'done'>();
    const circles: string[] = [];
    const visit = (file: string, stack: string[]) => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'open') {
        circles.push([...stack.slice(stack.indexOf(file)), file].map(rel).join(' -> '));
        return;
      }
      state.set(file, 'open');
      for (const next of graph.get(file) ?? []) visit(next, [...stack, file]);
      state.set(file, 'done');
    };
    for (const file of files) visit(file, []);
    expect(circles).toEqual([]);
  });

  it('keeps the pure folders free of I/O and Temporal', () => {
    const impure = imports
      .filter((i) => PURE.includes(folderOf(i.from)) && !i.spec.startsWith('.'))
      .map((i) => `${rel(i.from)} imports ${i.spec}`);
    expect(impure).toEqual([]);
  });

});

import type { OperatorName } from '../../core/node.js';
import type { ParentContext } from '../types.js';
import type { Recombination } from './crossover.js';
import { isImage, isText, validationScheme, type Genome, type ImageGenome, type TabularGenome, type TextGenome } from './genome.js';
import { activeParams, modelSpec, pythonLiteral, type ParamValue } from './models.js';
import { mutationKey, type Mutation } from './mutate.js';
import type { MemoryEntry } from '../memory.js';
import type { Repair } from './repair.js';
import type { OfflineTask } from './task.js';

/** Short human-readable plans: what the pipeline is and, for Improve and Debug, what changed and why. */

/** What the model predicts, in words. */
function predicting(task: OfflineTask): string {
  const { learn } = task;
  switch (learn.kind) {
    case 'column':
      return `predicting '${learn.column}'`;
    case 'columns':
      return `one per target column, predicting ${learn.columns.map((c) => `'${c}'`).join(', ')}`;
    case 'classes':
      return `predicting the probability of each class of '${learn.column}'`;
  }
}

function describeModel(g: Genome, task: OfflineTask): string {
  const spec = modelSpec(task.type, g.model.family);
  if (!spec) return `Model: ${g.model.family}, ${predicting(task)}.`;
  const params = activeParams(spec, g.model.params).map((p) => `${p.name}=${pythonLiteral(g.model.params[p.name] as ParamValue, p)}`).join(', ');
  return `Model: ${spec.label} (${spec.className}(${params})), ${predicting(task)}.`;
}

/** The validation metric's name; a task with no metric whose sample submission decides says both. */
const metricName = (task: OfflineTask): string => (task.output === 'sample' ? 'logloss or accuracy' : task.metric);

const capitalized = (parts: string[]): string => {
  const text = parts.join('; ');
  return text.charAt(0).toUpperCase() + text.slice(1) + '.';
};

function describeTabular(g: TabularGenome, task: OfflineTask): string {
  const numeric = [`${g.impute.replace('_', '-')}-imputed`];
  if (g.features === 'poly2') numeric.push('expanded with degree-2 polynomial features (skipped beyond 20 numeric columns)');
  numeric.push(g.scale === 'none' ? 'left unscaled' : `${g.scale}-scaled`);
  const parts = [
    `numeric columns are ${numeric.slice(0, -1).join(', ')} and ${numeric[numeric.length - 1]}`,
    g.encode === 'onehot' ? 'categorical columns are one-hot encoded (top 20 levels)' : 'categorical columns are ordinal-coded',
    'free-text columns become TF-IDF features and dates their year, month, day and weekday (each column\'s role is read from its values)',
  ];
  if (g.features === 'select50') parts.push('the better half of the features by a univariate F-test is kept');
  if (task.type === 'tabular-regression' && g.target !== 'none') {
    parts.push(g.target === 'log1p' ? 'the model fits log1p of the target' : 'the model fits a standardized target');
  }
  return capitalized(parts);
}

const NGRAMS: Record<TextGenome['vectorizer'], string> = {
  'word-1': 'word unigrams',
  'word-1-2': 'word unigrams and bigrams',
  'char-2-4': 'character 2- to 4-grams within word boundaries',
  'char-3-5': 'character 3- to 5-grams within word boundaries',
  'word+char': 'word unigrams and bigrams side by side with character 2- to 4-grams',
};

function describeText(g: TextGenome): string {
  const tf = g.sublinear_tf ? 'sublinear (1 + log) term frequencies' : 'raw term frequencies';
  return capitalized([
    `the text is lowercased and turned into TF-IDF features of ${NGRAMS[g.vectorizer]}, with ${tf}`,
    `terms must appear in at least ${g.min_df} document${g.min_df === 1 ? '' : 's'} and the vocabulary keeps the ${g.max_features} most frequent`,
  ]);
}

function describeImage(g: ImageGenome): string {
  const extras = {
    none: '',
    projections: ' plus row and column intensity profiles',
    gradients: ' plus row and column intensity profiles and the gradient energy of a 4x4 grid of cells',
  }[g.extras];
  const parts = [`each PNG image is read as grayscale, resampled to ${g.side}x${g.side} and its pixels scaled to 0..1${extras}`];
  parts.push(g.scale === 'standard' ? 'the features are standard-scaled' : 'the features are left unscaled');
  if (g.reduce !== 'none') parts.push(`PCA reduces them to ${g.reduce.slice(4)} components`);
  return capitalized(parts);
}

function describePreprocessing(g: Genome, task: OfflineTask): string {
  if (isText(g)) return describeText(g);
  if (isImage(g)) return describeImage(g);
  return describeTabular(g, task);
}

function describeValidation(g: Genome, task: OfflineTask): string {
  const s = validationScheme(g.validation);
  const how =
    s.scheme === 'holdout'
      ? `on a ${Math.round(s.fraction * 100)}% holdout split`
      : `with ${s.folds}-fold ${task.type === 'tabular-regression' || task.learn.kind === 'columns' ? '' : 'stratified '}cross-validation`;
  const choice = task.metricChoice === null ? '' : ` (${task.metricChoice})`;
  return `It is scored by ${metricName(task)}${choice} ${how}, then refit on all training rows to predict the test set.`;
}

function describePipeline(g: Genome, task: OfflineTask): string {
  return [describeModel(g, task), describePreprocessing(g, task), describeValidation(g, task)].join(' ');
}

const scoreText = (score: number | null, task: OfflineTask): string =>
  score === null ? 'no validation score' : `validation ${metricName(task)} ${Number(score.toPrecision(6))}`;

const nodes = (ids: number[]): string => (ids.length === 1 ? `node ${ids[0]}` : `nodes ${ids.join(' and ')}`);

export function draftPlan(g: Genome, task: OfflineTask): string {
  return describePipeline(g, task);
}

/** The change an Improve plan names; improvePlan writes it, triedMutations reads it back. */
const changeText = (m: Pick<Mutation, 'gene' | 'from' | 'to' | 'why'>): string => `${m.gene} goes from ${m.from} to ${m.to}, because ${m.why}.`;
const IMPROVE_LEAD = (nodeId: number): string => `Improve node ${nodeId} `;
const CHANGE = /^\([^)]*\) by one change: (\S+) goes from .*? to (.*?), because /;

/**
 * The mutations earlier Improve children of a node made, read from their plans among the memory
 * entries (mutationKey of each): what a new Improve of that node should not repeat. Only children
 * the memory shows are seen (the improve memory scope `siblings` shows them all).
 */
export function triedMutations(parentId: number, memory: readonly Pick<MemoryEntry, 'operator' | 'plan'>[]): Set<string> {
  const tried = new Set<string>();
  const lead = IMPROVE_LEAD(parentId);
  for (const entry of memory) {
    if (entry.operator !== 'improve' || !entry.plan.startsWith(lead)) continue;
    const match = CHANGE.exec(entry.plan.slice(lead.length));
    if (match?.[1] !== undefined && match[2] !== undefined) tried.add(mutationKey(match[1], match[2]));
  }
  return tried;
}

/** `note` prefixes the plan when a crossover fell back to mutating one parent. */
export function improvePlan(g: Genome, task: OfflineTask, parent: ParentContext, m: Mutation, note?: string): string {
  const change = changeText(m);
  const lead = note
    ? `${note} One change to node ${parent.nodeId}: ${change}`
    : `${IMPROVE_LEAD(parent.nodeId)}(${scoreText(parent.score, task)}) by one change: ${change}`;
  return `${lead} ${describePipeline(g, task)}`;
}

export function crossoverPlan(g: Genome, task: OfflineTask, a: ParentContext, b: ParentContext, mix: Recombination): string {
  const took = (genes: string[], p: ParentContext): string => `${genes.join(', ')} from node ${p.nodeId}`;
  const parts = [mix.fromFirst.length ? took(mix.fromFirst, a) : '', mix.fromSecond.length ? took(mix.fromSecond, b) : ''].filter(Boolean);
  const genes = parts.length ? `the child takes ${parts.join(' and ')}, sharing every other gene` : 'both parents have the same genes';
  return `Crossover of node ${a.nodeId} (${scoreText(a.score, task)}) and node ${b.nodeId} (${scoreText(b.score, task)}): ${genes}. ${describePipeline(g, task)}`;
}

export function debugPlan(g: Genome, task: OfflineTask, parent: ParentContext, r: Repair): string {
  const failed = r.failure.symptom ? `failed with: ${r.failure.symptom.replace(/\.$/, '')}` : 'failed without an error message';
  return `Debug node ${parent.nodeId}, which ${failed}. ${r.cause} ${r.fix} ${describeModel(g, task)}`;
}

/** For parents whose code carries no genome this generator can read. */
export function restartPlan(g: Genome, task: OfflineTask, op: OperatorName, parents: ParentContext[]): string {
  const ids = parents.map((p) => p.nodeId);
  return `The code of ${nodes(ids)} carries no crucible-genome line this generator can read (it was written elsewhere), so this ${op} starts from a freshly sampled pipeline. ${describePipeline(g, task)}`;
}

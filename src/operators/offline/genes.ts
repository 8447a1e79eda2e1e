import type { TableTask } from '../../tasks/types.js';
import type { Budget } from './budget.js';

/**
 * The pipeline genes of each task type: the choices besides the model family and its
 * hyperparameters. Draft samples them, Improve moves one to another value, Crossover takes each from
 * one parent. Validation is a gene of every type (VALIDATION_GENE).
 */

export type GeneValue = string | number | boolean;

export interface GeneSpec {
  name: string;
  values: readonly GeneValue[];
  /** Why moving the gene to a value may help, by String(value); quoted in Improve plans. */
  why: Readonly<Record<string, string>>;
  /** Values that cost a lot more time or memory: left out when the budget disallows expansions. */
  expensive?: readonly GeneValue[];
}

// ---- tabular ----
export const IMPUTE = ['mean', 'median', 'most_frequent'] as const;
export const SCALE = ['none', 'standard', 'robust'] as const;
export const ENCODE = ['onehot', 'ordinal'] as const;
/** Optional feature step: degree-2 polynomial expansion of numeric columns, or keep the top 50% by a univariate F-test. */
export const FEATURES = ['none', 'poly2', 'select50'] as const;
/** Target transform; regression only (classification always has 'none'). */
export const TARGET = ['none', 'standardize', 'log1p'] as const;

// ---- text: TF-IDF features ----
/** Token n-grams: words (1 or 1-2), characters within word boundaries (2-4 or 3-5), or words and characters side by side. */
export const VECTORIZER = ['word-1', 'word-1-2', 'char-2-4', 'char-3-5', 'word+char'] as const;
/** Minimum number of documents a term must appear in. */
export const MIN_DF = [1, 2, 3, 5] as const;
/** Vocabulary size cap (per vectorizer). */
export const MAX_FEATURES = [5000, 20000, 50000, 200000] as const;
export const SUBLINEAR_TF = [true, false] as const;

// ---- images: pixel features ----
/** Side of the square grayscale image the pixels are resampled to. */
export const SIDE = [8, 12, 16, 24] as const;
/** Extra features next to the pixels: row and column intensity profiles, and local gradient energy. */
export const EXTRAS = ['none', 'projections', 'gradients'] as const;
export const IMAGE_SCALE = ['none', 'standard'] as const;
/** Optional PCA to this many components before the model. */
export const REDUCE = ['none', 'pca-16', 'pca-32', 'pca-64'] as const;

export const VALIDATION = ['holdout-20', 'holdout-25', 'kfold-3', 'kfold-5'] as const;
export type Validation = (typeof VALIDATION)[number];

export const VALIDATION_GENE: GeneSpec = {
  name: 'validation',
  values: VALIDATION,
  why: {
    'holdout-20': 'a single 20% holdout is cheaper and leaves time for more experiments',
    'holdout-25': 'a larger 25% holdout gives a steadier single-split estimate',
    'kfold-3': '3-fold cross-validation gives a less noisy score than one split',
    'kfold-5': '5-fold cross-validation gives the steadiest score estimate',
  },
};

const TABULAR: readonly GeneSpec[] = [
  {
    name: 'impute',
    values: IMPUTE,
    why: {
      mean: 'mean imputation keeps the column averages unchanged',
      median: 'median imputation is robust to outliers in the observed values',
      most_frequent: 'most-frequent imputation suits columns with a few repeated values',
    },
  },
  {
    name: 'scale',
    values: SCALE,
    why: {
      none: 'raw feature scales are enough for split-based models and keep the pipeline simpler',
      standard: 'standard scaling puts every feature on unit variance',
      robust: 'robust scaling uses medians and quartiles, so outliers no longer dominate',
    },
  },
  {
    name: 'encode',
    values: ENCODE,
    why: {
      onehot: 'one-hot encoding lets the model weigh each category separately',
      ordinal: 'ordinal codes keep the feature count small, which suits tree models',
    },
  },
  {
    name: 'features',
    values: FEATURES,
    expensive: ['poly2'],
    why: {
      none: 'the plain feature set is simpler and less prone to overfitting',
      poly2: 'pairwise products and squares let the model use feature interactions',
      select50: 'dropping the weaker half of the features by an F-test removes noise',
    },
  },
  {
    name: 'target',
    values: TARGET,
    why: {
      none: 'fitting the target on its own scale avoids back-transformation bias',
      standardize: 'a standardized target helps scale-sensitive regressors',
      log1p: 'a log1p target compresses skew so large values do not dominate the fit',
    },
  },
];

const TEXT: readonly GeneSpec[] = [
  {
    name: 'vectorizer',
    values: VECTORIZER,
    expensive: ['word+char'],
    why: {
      'word-1': 'single words are the least sparse representation and overfit least',
      'word-1-2': 'word bigrams capture short phrases and negations',
      'char-2-4': 'character 2-4-grams are robust to misspellings and rare word forms',
      'char-3-5': 'longer character n-grams capture word stems and affixes',
      'word+char': 'word and character n-grams side by side give the model both views of the text',
    },
  },
  {
    name: 'min_df',
    values: MIN_DF,
    why: {
      '1': 'keeping every term, even one seen once, lets rare but telling words count',
      '2': 'dropping terms seen in a single document removes typos and noise',
      '3': 'a minimum of 3 documents per term keeps the vocabulary to reliable terms',
      '5': 'a minimum of 5 documents per term keeps only well-supported terms',
    },
  },
  {
    name: 'max_features',
    values: MAX_FEATURES,
    why: {
      '5000': 'a 5,000-term vocabulary keeps only the most frequent terms and regularises strongly',
      '20000': 'a 20,000-term vocabulary balances coverage against noise',
      '50000': 'a 50,000-term vocabulary keeps more of the rarer telling terms',
      '200000': 'a 200,000-term vocabulary keeps almost every n-gram',
    },
  },
  {
    name: 'sublinear_tf',
    values: SUBLINEAR_TF,
    why: {
      true: 'sublinear term frequency (1 + log tf) stops repeated words from dominating a document',
      false: 'raw term frequencies keep the weight of words a document repeats',
    },
  },
];

const IMAGE: readonly GeneSpec[] = [
  {
    name: 'side',
    values: SIDE,
    expensive: [24],
    why: {
      '8': 'an 8x8 image averages away noise and leaves few features',
      '12': 'a 12x12 image keeps coarse shapes with few features',
      '16': 'a 16x16 image keeps more detail of the shapes',
      '24': 'a 24x24 image keeps fine detail at the cost of more features',
    },
  },
  {
    name: 'extras',
    values: EXTRAS,
    expensive: ['gradients'],
    why: {
      none: 'the plain pixels are the simplest feature set',
      projections: 'row and column intensity profiles summarise where the ink lies, whatever small shifts',
      gradients: 'local gradient energy describes edges and strokes, not only intensities',
    },
  },
  {
    name: 'scale',
    values: IMAGE_SCALE,
    why: {
      none: 'pixels already lie in 0..1, which tree models need no more than',
      standard: 'standard scaling puts every pixel feature on unit variance, which distance-based and linear models want',
    },
  },
  {
    name: 'reduce',
    values: REDUCE,
    why: {
      none: 'keeping every feature loses no information',
      'pca-16': 'PCA to 16 components keeps the main modes of variation and removes pixel noise',
      'pca-32': 'PCA to 32 components removes pixel noise while keeping most of the variance',
      'pca-64': 'PCA to 64 components keeps finer variation while still cutting the dimension',
    },
  },
];

/** The pipeline genes of a task type, validation excluded. Tabular classification has no target transform. */
export function pipelineGenes(type: TableTask['type']): readonly GeneSpec[] {
  switch (type) {
    case 'tabular-classification':
      return TABULAR.map((g) => (g.name === 'target' ? { ...g, values: ['none'] } : g));
    case 'tabular-regression':
      return TABULAR;
    case 'text-classification':
      return TEXT;
    case 'image-classification':
      return IMAGE;
  }
}

/** The values of a pipeline gene that the budget allows (never empty). */
export function allowedGeneValues(gene: GeneSpec, budget: Budget): readonly GeneValue[] {
  if (budget.allowPoly || !gene.expensive) return gene.values;
  const fitting = gene.values.filter((v) => !gene.expensive?.includes(v));
  return fitting.length > 0 ? fitting : gene.values.slice(0, 1);
}

/** Every gene name of every type, in the order genomes list them; validation last. */
export const GENE_ORDER: readonly string[] = [...new Set([...TABULAR, ...TEXT, ...IMAGE].map((g) => g.name)), 'validation'];

/** A gene value as plans show it. */
export function geneText(value: GeneValue): string {
  return String(value);
}

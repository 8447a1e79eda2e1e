import type { TableTask } from '../../tasks/types.js';

/** The model families the offline generator knows, with their scikit-learn search spaces. */

export type ParamValue = number | string | boolean | null;

export interface ParamSpec {
  /** scikit-learn keyword argument. */
  name: string;
  /** Ordered from least to most capacity (or cost), so one mutation step moves to a neighbour. */
  values: readonly ParamValue[];
  /** Ensemble size: capped by the time budget. */
  costly?: boolean;
  /** A float in Python even where the value is integral (max_features=1.0 means all features, 1 means one). */
  real?: boolean;
  /** Why a step towards more (up) or less (down) capacity may help; quoted in Improve plans. */
  up: string;
  down: string;
}

export interface ModelSpec {
  family: string;
  label: string;
  module: string;
  className: string;
  params: readonly ParamSpec[];
  /** Keyword arguments that never vary, as Python source. */
  fixed: readonly string[];
  /** Takes random_state. */
  seeded: boolean;
  /** Scales with rows times features at most: the fallback when a run is too slow. */
  cheap: boolean;
  /** Relative draft sampling weight. */
  weight: number;
  /** Distance-based or linear: unscaled features hurt it. */
  scaleSensitive: boolean;
  /** Has no (calibrated) predict_proba: wrapped in CalibratedClassifierCV for auc and logloss. */
  calibrate?: boolean;
  /** Rejects a sparse matrix: a table's free text reaches it as a few dense TF-IDF components. */
  denseInput?: boolean;
  /**
   * A soft-voting ensemble (className VotingClassifier or VotingRegressor): its `members` parameter
   * names which of these models it averages, joined by '+'; each member takes the ensemble's
   * parameters it names, under their own keyword.
   */
  members?: Readonly<Record<string, MemberSpec>>;
}

/** One model of an ensemble family. */
export interface MemberSpec {
  module: string;
  className: string;
  /** Names of the ensemble's parameters this member takes, as its own keyword arguments. */
  params: readonly string[];
  fixed: readonly string[];
  seeded: boolean;
}

const nEstimators: ParamSpec = {
  name: 'n_estimators',
  values: [50, 100, 200, 300],
  costly: true,
  up: 'more trees average away more variance',
  down: 'fewer trees cut the run time with little loss',
};
const forestMaxDepth: ParamSpec = {
  name: 'max_depth',
  values: [4, 8, 12, 16, null],
  up: 'deeper trees capture more feature interactions',
  down: 'shallower trees overfit less',
};
const forestMinLeaf: ParamSpec = {
  name: 'min_samples_leaf',
  values: [8, 4, 2, 1],
  up: 'smaller leaves fit finer structure',
  down: 'larger leaves smooth noisy predictions',
};
const forestMaxFeatures: ParamSpec = {
  name: 'max_features',
  real: true,
  values: ['sqrt', 0.5, 1.0],
  up: 'considering more features per split makes each tree stronger',
  down: 'fewer candidate features per split decorrelate the trees',
};
const learningRate: ParamSpec = {
  name: 'learning_rate',
  real: true,
  values: [0.03, 0.05, 0.1, 0.2],
  up: 'a larger learning rate fits faster with the same number of stages',
  down: 'a smaller learning rate regularises the boosting',
};
const boostDepth: ParamSpec = {
  name: 'max_depth',
  values: [2, 3, 4, 5],
  up: 'deeper stages model higher-order interactions',
  down: 'shallower stages are weaker learners that overfit less',
};
const subsample: ParamSpec = {
  name: 'subsample',
  real: true,
  values: [0.7, 0.85, 1.0],
  up: 'using more rows per stage lowers the noise of each stage',
  down: 'stochastic row subsampling regularises the boosting',
};
const histMaxIter: ParamSpec = {
  name: 'max_iter',
  values: [50, 100, 200, 300],
  costly: true,
  up: 'more boosting iterations can fit the signal further',
  down: 'fewer iterations cut the run time and overfit less',
};
const histLeafNodes: ParamSpec = {
  name: 'max_leaf_nodes',
  values: [15, 31, 63],
  up: 'more leaves per tree capture finer interactions',
  down: 'fewer leaves per tree regularise the model',
};
const histMinLeaf: ParamSpec = {
  name: 'min_samples_leaf',
  values: [40, 20, 10],
  up: 'smaller leaves fit finer structure',
  down: 'larger leaves smooth noisy predictions',
};
const histL2: ParamSpec = {
  name: 'l2_regularization',
  real: true,
  values: [1.0, 0.1, 0.0],
  up: 'less L2 regularisation lets the leaves fit more closely',
  down: 'more L2 regularisation shrinks noisy leaf values',
};
const inverseC: ParamSpec = {
  name: 'C',
  real: true,
  values: [0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0],
  up: 'a larger C weakens the regularisation',
  down: 'a smaller C strengthens the regularisation',
};
const ridgeAlpha: ParamSpec = {
  name: 'alpha',
  real: true,
  values: [100.0, 30.0, 10.0, 3.0, 1.0, 0.3, 0.1, 0.01],
  up: 'a smaller alpha weakens the regularisation',
  down: 'a larger alpha strengthens the regularisation',
};
const svmC: ParamSpec = { ...inverseC, values: [0.1, 0.3, 1.0, 3.0, 10.0, 30.0, 100.0] };
const neighbours: ParamSpec = {
  name: 'n_neighbors',
  values: [31, 21, 15, 11, 7, 5, 3],
  up: 'fewer neighbours follow local structure more closely',
  down: 'more neighbours average away noise',
};
const neighbourWeights: ParamSpec = {
  name: 'weights',
  values: ['uniform', 'distance'],
  up: 'distance weighting lets the nearest neighbours dominate',
  down: 'uniform weighting is more robust to noisy neighbours',
};

const forest = (family: string, label: string, className: string, weight: number): ModelSpec => ({
  family,
  label,
  module: 'sklearn.ensemble',
  className,
  params: [nEstimators, forestMaxDepth, forestMinLeaf, forestMaxFeatures],
  fixed: [],
  seeded: true,
  cheap: false,
  weight,
  scaleSensitive: false,
});

/**
 * Which models an ensemble averages, from fewest to most: boosting always (the strongest single
 * family on tables), with a bagged forest, extremely randomised trees and a linear model, whose
 * errors differ from the trees' most. Averaging such different models is how AutoML libraries win
 * on small tables: each one's variance partly cancels out.
 */
const ensembleMembers: ParamSpec = {
  name: 'members',
  values: ['hgb+linear', 'hgb+forest', 'hgb+forest+linear', 'hgb+forest+extra+linear'],
  up: 'more diverse members average away more of each one\'s errors',
  down: 'fewer members leave the strongest ones a larger share of the vote',
};

function ensemble(kind: 'Classifier' | 'Regressor', linear: MemberSpec, linearParam: ParamSpec): ModelSpec {
  const trees = (className: string): MemberSpec => ({
    module: 'sklearn.ensemble', className: `${className}${kind}`, params: ['n_estimators', 'min_samples_leaf'], fixed: [], seeded: true,
  });
  return {
    family: 'ensemble',
    label: 'soft-voting ensemble of gradient boosting, tree ensembles and a linear model',
    module: 'sklearn.ensemble',
    className: `Voting${kind}`,
    params: [ensembleMembers, histMaxIter, learningRate, nEstimators, forestMinLeaf, linearParam],
    fixed: [],
    seeded: false,
    cheap: false,
    // Drawn most often: on small tables an average of diverse models is the strongest default.
    weight: 4,
    // The linear member wants scaled, one-hot features; the trees do not mind them.
    scaleSensitive: true,
    denseInput: true,
    members: {
      hgb: { module: 'sklearn.ensemble', className: `HistGradientBoosting${kind}`, params: ['max_iter', 'learning_rate'], fixed: [], seeded: true },
      forest: trees('RandomForest'),
      extra: trees('ExtraTrees'),
      linear,
    },
  };
}

const CLASSIFIERS: readonly ModelSpec[] = [
  {
    family: 'logistic',
    label: 'logistic regression',
    module: 'sklearn.linear_model',
    className: 'LogisticRegression',
    params: [
      inverseC,
      {
        name: 'class_weight',
        values: [null, 'balanced'],
        up: 'balanced class weights stop the majority class from dominating',
        down: 'unweighted classes match the data as it is',
      },
    ],
    fixed: ['max_iter=2000'],
    seeded: false,
    cheap: true,
    weight: 1,
    scaleSensitive: true,
  },
  forest('random_forest', 'random forest', 'RandomForestClassifier', 1.5),
  forest('extra_trees', 'extra trees', 'ExtraTreesClassifier', 1),
  {
    family: 'gradient_boosting',
    label: 'gradient boosting',
    module: 'sklearn.ensemble',
    className: 'GradientBoostingClassifier',
    params: [nEstimators, learningRate, boostDepth, subsample],
    fixed: [],
    seeded: true,
    cheap: false,
    weight: 1,
    scaleSensitive: false,
  },
  {
    family: 'hist_gradient_boosting',
    label: 'histogram gradient boosting',
    module: 'sklearn.ensemble',
    className: 'HistGradientBoostingClassifier',
    params: [histMaxIter, learningRate, histLeafNodes, histMinLeaf, histL2],
    fixed: [],
    seeded: true,
    cheap: false,
    weight: 1.5,
    scaleSensitive: false,
    denseInput: true,
  },
  {
    family: 'knn',
    label: 'k-nearest neighbours',
    module: 'sklearn.neighbors',
    className: 'KNeighborsClassifier',
    params: [neighbours, neighbourWeights],
    fixed: [],
    seeded: false,
    cheap: false,
    weight: 0.7,
    scaleSensitive: true,
  },
  {
    family: 'svm',
    label: 'RBF support vector machine',
    module: 'sklearn.svm',
    className: 'SVC',
    params: [svmC],
    fixed: [],
    seeded: false,
    cheap: false,
    weight: 0.7,
    scaleSensitive: true,
    calibrate: true,
  },
  {
    family: 'naive_bayes',
    label: 'Gaussian naive Bayes',
    module: 'sklearn.naive_bayes',
    className: 'GaussianNB',
    params: [
      {
        name: 'var_smoothing',
        real: true,
        values: [1e-6, 1e-7, 1e-8, 1e-9],
        up: 'less variance smoothing trusts the per-class variances more',
        down: 'more variance smoothing steadies near-constant features',
      },
    ],
    fixed: [],
    seeded: false,
    cheap: true,
    weight: 0.4,
    scaleSensitive: false,
    denseInput: true,
  },
  ensemble(
    'Classifier',
    { module: 'sklearn.linear_model', className: 'LogisticRegression', params: ['C'], fixed: ['max_iter=2000'], seeded: false },
    { ...inverseC, values: [0.1, 0.3, 1.0, 3.0, 10.0] },
  ),
];

const REGRESSORS: readonly ModelSpec[] = [
  {
    family: 'ridge',
    label: 'ridge regression',
    module: 'sklearn.linear_model',
    className: 'Ridge',
    params: [ridgeAlpha],
    fixed: [],
    seeded: false,
    cheap: true,
    weight: 1,
    scaleSensitive: true,
  },
  {
    family: 'elastic_net',
    label: 'elastic net',
    module: 'sklearn.linear_model',
    className: 'ElasticNet',
    params: [
      {
        name: 'alpha',
        real: true,
        values: [1.0, 0.3, 0.1, 0.03, 0.01, 0.003, 0.001],
        up: 'a smaller alpha weakens the regularisation',
        down: 'a larger alpha strengthens the regularisation',
      },
      {
        name: 'l1_ratio',
        real: true,
        values: [0.9, 0.5, 0.1],
        up: 'a more ridge-like penalty keeps correlated features together',
        down: 'a more lasso-like penalty drops weak features',
      },
    ],
    fixed: ['max_iter=5000'],
    seeded: true,
    cheap: true,
    weight: 0.7,
    scaleSensitive: true,
  },
  forest('random_forest', 'random forest', 'RandomForestRegressor', 1.5),
  forest('extra_trees', 'extra trees', 'ExtraTreesRegressor', 1),
  {
    family: 'gradient_boosting',
    label: 'gradient boosting',
    module: 'sklearn.ensemble',
    className: 'GradientBoostingRegressor',
    params: [
      nEstimators,
      learningRate,
      boostDepth,
      subsample,
      {
        name: 'loss',
        values: ['absolute_error', 'huber', 'squared_error'],
        up: 'a squared-error loss weighs large residuals more',
        down: 'a more robust loss discounts outliers',
      },
    ],
    fixed: [],
    seeded: true,
    cheap: false,
    weight: 1,
    scaleSensitive: false,
  },
  {
    family: 'hist_gradient_boosting',
    label: 'histogram gradient boosting',
    module: 'sklearn.ensemble',
    className: 'HistGradientBoostingRegressor',
    params: [histMaxIter, learningRate, histLeafNodes, histMinLeaf, histL2],
    fixed: [],
    seeded: true,
    cheap: false,
    weight: 1.5,
    scaleSensitive: false,
    denseInput: true,
  },
  {
    family: 'knn',
    label: 'k-nearest neighbours',
    module: 'sklearn.neighbors',
    className: 'KNeighborsRegressor',
    params: [neighbours, neighbourWeights],
    fixed: [],
    seeded: false,
    cheap: false,
    weight: 0.7,
    scaleSensitive: true,
  },
  {
    family: 'svm',
    label: 'RBF support vector regression',
    module: 'sklearn.svm',
    className: 'SVR',
    params: [
      svmC,
      {
        name: 'epsilon',
        real: true,
        values: [0.3, 0.1, 0.03, 0.01],
        up: 'a narrower epsilon tube fits residuals more closely',
        down: 'a wider epsilon tube ignores small residuals',
      },
    ],
    fixed: [],
    seeded: false,
    cheap: false,
    weight: 0.7,
    scaleSensitive: true,
  },
  ensemble(
    'Regressor',
    { module: 'sklearn.linear_model', className: 'Ridge', params: ['alpha'], fixed: [], seeded: false },
    ridgeAlpha,
  ),
];

const logisticClassWeight: ParamSpec = {
  name: 'class_weight',
  values: [null, 'balanced'],
  up: 'balanced class weights stop the majority class from dominating',
  down: 'unweighted classes match the data as it is',
};
const nbAlpha: ParamSpec = {
  name: 'alpha',
  real: true,
  values: [1.0, 0.3, 0.1, 0.03, 0.01],
  up: 'less additive smoothing trusts the observed term counts more',
  down: 'more additive smoothing steadies the estimates of rare terms',
};

/** Linear models on sparse TF-IDF features: all train in seconds on thousands of documents. */
const TEXT_CLASSIFIERS: readonly ModelSpec[] = [
  {
    family: 'logistic',
    label: 'logistic regression',
    module: 'sklearn.linear_model',
    className: 'LogisticRegression',
    params: [{ ...inverseC, values: [0.3, 1.0, 3.0, 10.0, 30.0, 100.0] }, logisticClassWeight],
    fixed: ['max_iter=2000'],
    seeded: false,
    cheap: true,
    weight: 1.5,
    scaleSensitive: false,
  },
  {
    family: 'linear_svm',
    label: 'linear support vector machine',
    module: 'sklearn.svm',
    className: 'LinearSVC',
    params: [{ ...inverseC, values: [0.03, 0.1, 0.3, 1.0, 3.0, 10.0] }, logisticClassWeight],
    fixed: ['max_iter=5000'],
    seeded: true,
    cheap: true,
    weight: 1.2,
    scaleSensitive: false,
    calibrate: true,
  },
  {
    family: 'sgd',
    label: 'linear model trained by stochastic gradient descent',
    module: 'sklearn.linear_model',
    className: 'SGDClassifier',
    params: [
      {
        name: 'alpha',
        real: true,
        values: [1e-3, 3e-4, 1e-4, 3e-5, 1e-5],
        up: 'a smaller alpha weakens the regularisation',
        down: 'a larger alpha strengthens the regularisation',
      },
      {
        name: 'loss',
        values: ['hinge', 'modified_huber', 'log_loss'],
        up: 'a smoother loss weighs every document, not only those near the margin',
        down: 'a margin loss concentrates on the hard documents',
      },
    ],
    fixed: ['max_iter=50', 'tol=None'],
    seeded: true,
    cheap: true,
    weight: 0.8,
    scaleSensitive: false,
    calibrate: true,
  },
  {
    family: 'multinomial_nb',
    label: 'multinomial naive Bayes',
    module: 'sklearn.naive_bayes',
    className: 'MultinomialNB',
    params: [nbAlpha],
    fixed: [],
    seeded: false,
    cheap: true,
    weight: 0.7,
    scaleSensitive: false,
  },
  {
    family: 'complement_nb',
    label: 'complement naive Bayes',
    module: 'sklearn.naive_bayes',
    className: 'ComplementNB',
    params: [nbAlpha],
    fixed: [],
    seeded: false,
    cheap: true,
    weight: 0.5,
    scaleSensitive: false,
  },
];

const imageForest = (family: string, label: string, className: string): ModelSpec => {
  const base = forest(family, label, className, 1.2);
  return {
    ...base,
    params: base.params.map((p) =>
      p.name === 'max_features' ? { ...p, values: ['log2', 'sqrt'] } : p.name === 'n_estimators' ? { ...p, values: [50, 100, 200] } : p,
    ),
  };
};

/** Models on a few hundred pixel features. */
const IMAGE_CLASSIFIERS: readonly ModelSpec[] = [
  {
    family: 'logistic',
    label: 'logistic regression',
    module: 'sklearn.linear_model',
    className: 'LogisticRegression',
    params: [{ ...inverseC, values: [0.01, 0.03, 0.1, 0.3, 1.0, 3.0] }],
    fixed: ['max_iter=1000'],
    seeded: false,
    cheap: true,
    weight: 1,
    scaleSensitive: true,
  },
  // Hundreds of pixel features: a split considers a small share of them, or trees grow slowly.
  imageForest('random_forest', 'random forest', 'RandomForestClassifier'),
  imageForest('extra_trees', 'extra trees', 'ExtraTreesClassifier'),
  {
    family: 'knn',
    label: 'k-nearest neighbours',
    module: 'sklearn.neighbors',
    className: 'KNeighborsClassifier',
    params: [{ ...neighbours, values: [15, 11, 7, 5, 3, 1] }, neighbourWeights],
    fixed: [],
    seeded: false,
    cheap: false,
    weight: 0.8,
    scaleSensitive: true,
  },
  {
    family: 'svm',
    label: 'RBF support vector machine',
    module: 'sklearn.svm',
    className: 'SVC',
    params: [{ ...svmC, values: [0.3, 1.0, 3.0, 10.0, 30.0] }],
    fixed: [],
    seeded: false,
    cheap: false,
    weight: 1.2,
    scaleSensitive: true,
    calibrate: true,
  },
  {
    family: 'mlp',
    label: 'small multi-layer perceptron',
    module: 'sklearn.neural_network',
    className: 'MLPClassifier',
    params: [
      {
        name: 'hidden_layer_sizes',
        values: [32, 64, 128, 256],
        up: 'a wider hidden layer can represent more shape detectors',
        down: 'a narrower hidden layer overfits less and trains faster',
      },
      {
        name: 'alpha',
        real: true,
        values: [1e-2, 1e-3, 1e-4],
        up: 'less L2 penalty lets the weights fit the images more closely',
        down: 'more L2 penalty regularises the weights',
      },
      {
        name: 'max_iter',
        values: [50, 100, 200, 300],
        costly: true,
        up: 'more epochs let the network converge further',
        down: 'fewer epochs cut the run time and act as early stopping',
      },
    ],
    fixed: ['early_stopping=True'],
    seeded: true,
    cheap: false,
    weight: 1,
    scaleSensitive: true,
  },
];

/** A hyperparameter value as Python source. */
export function pythonLiteral(value: ParamValue, param: ParamSpec): string {
  if (value === null) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'string') return JSON.stringify(value);
  return param.real && Number.isInteger(value) ? value.toFixed(1) : String(value);
}

/**
 * The hyperparameters that reach the model: an ensemble's `members` and what its chosen members
 * take (a forest's size means nothing to an ensemble without trees); every one for other families.
 */
export function activeParams(spec: ModelSpec, params: Readonly<Record<string, ParamValue>>): readonly ParamSpec[] {
  const { members } = spec;
  if (!members) return spec.params;
  const used = new Set(['members', ...String(params.members).split('+').flatMap((key) => members[key]?.params ?? [])]);
  return spec.params.filter((p) => used.has(p.name));
}

export function modelsFor(type: TableTask['type']): readonly ModelSpec[] {
  switch (type) {
    case 'tabular-classification':
      return CLASSIFIERS;
    case 'tabular-regression':
      return REGRESSORS;
    case 'text-classification':
      return TEXT_CLASSIFIERS;
    case 'image-classification':
      return IMAGE_CLASSIFIERS;
  }
}

/** The family Debug falls back to when a pipeline is too slow: linear and cheap on every type. */
export function cheapestFamily(type: TableTask['type']): ModelSpec {
  const family = type === 'tabular-regression' ? 'ridge' : 'logistic';
  return modelsFor(type).find((m) => m.family === family) as ModelSpec;
}

export function modelSpec(type: TableTask['type'], family: string): ModelSpec | undefined {
  return modelsFor(type).find((m) => m.family === family);
}


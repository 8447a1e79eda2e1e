import path from 'node:path';
import type { MetricName, TaskSpec } from '../../tasks/types.js';
import { misspell } from './faults.js';
import { canonical, genomeLine, validationScheme, type Genome } from './genome.js';
import { modelSpec, pythonLiteral, type ModelSpec, type ParamValue } from './models.js';

/**
 * Renders a genome into a complete Python solution for a task. A pure function of (genome, task):
 * the same inputs give byte-identical code, and the genome line on top lets anyone re-render it.
 *
 * The code targets scikit-learn 1.2 (Debian's, in the Docker image) through 1.9 (the venv), and
 * pandas 1.5 through 3: hence OneHotEncoder(sparse_output=...), RMSE computed by hand, and
 * CalibratedClassifierCV instead of SVC(probability=True), which 1.9 deprecates.
 */

/** Collects `from module import Name` lines so the header imports exactly what the body uses. */
class Imports {
  private readonly from = new Map<string, Set<string>>();
  add(module: string, ...names: string[]): void {
    const set = this.from.get(module) ?? new Set<string>();
    for (const n of names) set.add(n);
    this.from.set(module, set);
  }
  render(): string {
    const lines = ['import json', 'import os', 'import time', '', 'import numpy as np', 'import pandas as pd'];
    for (const module of [...this.from.keys()].sort()) {
      lines.push(`from ${module} import ${[...(this.from.get(module) ?? [])].sort().join(', ')}`);
    }
    return lines.join('\n');
  }
}

const pyStr = (s: string): string => JSON.stringify(s);

const PROBABILISTIC: readonly MetricName[] = ['auc', 'logloss'];

function modelExpression(g: Genome, spec: ModelSpec, metric: MetricName, imports: Imports): string {
  imports.add(spec.module, spec.className);
  const args = spec.params.map((p) => `${p.name}=${pythonLiteral(g.model.params[p.name] as ParamValue, p)}`);
  args.push(...spec.fixed);
  if (spec.seeded) args.push('random_state=RANDOM_STATE');
  const expression = `${spec.className}(${args.join(', ')})`;
  if (spec.className === 'SVC' && PROBABILISTIC.includes(metric)) {
    // Platt scaling gives the SVM calibrated probabilities for auc/logloss.
    imports.add('sklearn.calibration', 'CalibratedClassifierCV');
    return `CalibratedClassifierCV(${expression}, ensemble=False)`;
  }
  return expression;
}

function dataFile(task: TaskSpec, file: string): string {
  return path.isAbsolute(file) ? path.relative(task.publicDir, file) : file;
}

function header(g: Genome, task: TaskSpec, imports: Imports): string {
  const target = g.fault === 'misspelled-column' ? misspell(task.target) : task.target;
  return `${genomeLine(g, task.type)}
# Written by Crucible's offline operator: a deterministic program generator, not an LLM.
${imports.render()}

DATA_DIR = os.environ.get("CRUCIBLE_DATA_DIR", "/data")
TRAIN_FILE = ${pyStr(dataFile(task, task.files.train))}
TEST_FILE = ${pyStr(dataFile(task, task.files.test))}
SAMPLE_SUBMISSION_FILE = ${pyStr(dataFile(task, task.files.sampleSubmission))}
TARGET = ${pyStr(target)}
ID_COLUMN = ${pyStr(task.idColumn)}
METRIC = ${pyStr(task.metric)}
RANDOM_STATE = 0
STARTED = time.time()


def log(message):
    print(f"[{time.time() - STARTED:5.1f}s] {message}", flush=True)
`;
}

function loadData(task: TaskSpec, imports: Imports): string {
  const classification = task.type === 'tabular-classification';
  if (classification) imports.add('sklearn.preprocessing', 'LabelEncoder');
  const target = classification
    ? `label_encoder = LabelEncoder()
y = label_encoder.fit_transform(train[TARGET])
n_classes = len(label_encoder.classes_)
log(f"{len(feature_columns)} features ({len(categorical_columns)} categorical), {len(y)} rows, {n_classes} classes")`
    : `y = train[TARGET].to_numpy(dtype="float64")
log(f"{len(feature_columns)} features ({len(categorical_columns)} categorical), {len(y)} rows, target mean {y.mean():.4g}")`;
  return `
train = pd.read_csv(os.path.join(DATA_DIR, TRAIN_FILE))
test = pd.read_csv(os.path.join(DATA_DIR, TEST_FILE))
sample_submission = pd.read_csv(os.path.join(DATA_DIR, SAMPLE_SUBMISSION_FILE))
log(f"loaded train {train.shape}, test {test.shape}")

feature_columns = [c for c in train.columns if c not in (TARGET, ID_COLUMN) and c in test.columns]
numeric_columns = [c for c in feature_columns if pd.api.types.is_numeric_dtype(train[c])]
categorical_columns = [c for c in feature_columns if c not in numeric_columns]


def prepare(frame):
    # Categories become plain strings with an explicit missing level and numbers become floats,
    # so every encoder and imputer accepts them whatever dtypes pandas inferred.
    frame = frame[feature_columns].copy()
    for column in categorical_columns:
        frame[column] = frame[column].where(frame[column].notna(), "__missing__").astype(str)
    frame[numeric_columns] = frame[numeric_columns].astype("float64")
    return frame


X = prepare(train)
X_test = prepare(test)
${target}
`;
}

function buildModel(g: Genome, task: TaskSpec, imports: Imports): string {
  const spec = modelSpec(task.type, g.model.family);
  if (!spec) throw new Error(`model family ${g.model.family} does not fit a ${task.type} task`);
  imports.add('sklearn.compose', 'ColumnTransformer');
  imports.add('sklearn.pipeline', 'Pipeline');
  imports.add('sklearn.impute', 'SimpleImputer');

  const numeric = [`numeric_steps = [("impute", SimpleImputer(strategy=${pyStr(g.impute)}))]`];
  if (g.features === 'poly2') {
    imports.add('sklearn.preprocessing', 'PolynomialFeatures');
    numeric.push(
      '# The expansion grows quadratically with the column count; skip it on wide tables.',
      'if len(numeric_columns) <= 20:',
      '    numeric_steps.append(("poly", PolynomialFeatures(degree=2, include_bias=False)))',
    );
  }
  if (g.scale !== 'none') {
    const scaler = g.scale === 'standard' ? 'StandardScaler' : 'RobustScaler';
    imports.add('sklearn.preprocessing', scaler);
    numeric.push(`numeric_steps.append(("scale", ${scaler}()))`);
  }

  let encoder: string;
  if (g.encode === 'onehot') {
    imports.add('sklearn.preprocessing', 'OneHotEncoder');
    encoder = 'OneHotEncoder(handle_unknown="infrequent_if_exist", max_categories=20, sparse_output=False)';
  } else {
    imports.add('sklearn.preprocessing', 'OrdinalEncoder');
    encoder = 'OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=-1)';
  }

  const steps = ['("preprocess", ColumnTransformer(transformers))'];
  if (g.features === 'select50') {
    const test = task.type === 'tabular-classification' ? 'f_classif' : 'f_regression';
    imports.add('sklearn.feature_selection', 'SelectPercentile', test);
    steps.push(`("select", SelectPercentile(${test}, percentile=50))`);
  }
  steps.push(`("model", ${modelExpression(g, spec, task.metric, imports)})`);

  let before = '';
  let ret = `    return pipeline`;
  if (g.target === 'standardize') {
    imports.add('sklearn.compose', 'TransformedTargetRegressor');
    imports.add('sklearn.preprocessing', 'StandardScaler');
    ret = '    return TransformedTargetRegressor(regressor=pipeline, transformer=StandardScaler())';
  } else if (g.target === 'log1p') {
    imports.add('sklearn.compose', 'TransformedTargetRegressor');
    before = `
# log1p is only defined above -1: keep the raw target otherwise.
LOG_TARGET = bool(y.min() > -1)
log("target: log1p transform" if LOG_TARGET else "target: has values <= -1, log1p transform skipped")
`;
    ret = `    if not LOG_TARGET:
        return pipeline
    return TransformedTargetRegressor(regressor=pipeline, func=np.log1p, inverse_func=np.expm1)`;
  }

  return `${before}

def build_model():
${numeric.map((l) => `    ${l}`).join('\n')}
    transformers = []
    if numeric_columns:
        transformers.append(("numeric", Pipeline(numeric_steps), numeric_columns))
    if categorical_columns:
        transformers.append(("categorical", ${encoder}, categorical_columns))
    pipeline = Pipeline([
${steps.map((s) => `        ${s},`).join('\n')}
    ])
${ret}
`;
}

/** evaluate() scores a fitted model on validation rows; predict_submission() makes the submission column. */
function metricFunctions(task: TaskSpec, imports: Imports): string {
  const labels = 'label_encoder.inverse_transform(model.predict(frame))';
  const body: Record<MetricName, [string, string]> = {
    accuracy: ['accuracy_score(y_valid, model.predict(X_valid))', labels],
    f1: ['f1_score(y_valid, model.predict(X_valid), average="binary" if n_classes == 2 else "macro")', labels],
    auc: ['roc_auc_score(y_valid, model.predict_proba(X_valid)[:, 1])', 'model.predict_proba(frame)[:, 1]'],
    logloss: ['log_loss(y_valid, model.predict_proba(X_valid), labels=np.arange(n_classes))', 'model.predict_proba(frame)[:, 1]'],
    rmse: ['float(np.sqrt(mean_squared_error(y_valid, model.predict(X_valid))))', 'model.predict(frame)'],
    mae: ['mean_absolute_error(y_valid, model.predict(X_valid))', 'model.predict(frame)'],
  };
  const scorer: Record<MetricName, string> = {
    accuracy: 'accuracy_score',
    f1: 'f1_score',
    auc: 'roc_auc_score',
    logloss: 'log_loss',
    rmse: 'mean_squared_error',
    mae: 'mean_absolute_error',
  };
  imports.add('sklearn.metrics', scorer[task.metric]);
  const [evaluate, predict] = body[task.metric];
  const note = PROBABILISTIC.includes(task.metric)
    ? '    # auc and logloss tasks are binary: the submission holds the probability of class 1.\n'
    : '';
  return `

def evaluate(model, X_valid, y_valid):
    return ${evaluate}


def predict_submission(model, frame):
${note}    return ${predict}
`;
}

function validate(g: Genome, task: TaskSpec, imports: Imports): string {
  const scheme = validationScheme(g.validation);
  const classification = task.type === 'tabular-classification';
  if (scheme.scheme === 'holdout') {
    imports.add('sklearn.model_selection', 'train_test_split');
    const stratify = classification
      ? `# Stratify when every class has at least two rows; the split cannot otherwise.
stratify = y if np.bincount(y).min() >= 2 else None
`
      : '';
    return `
${stratify}X_train, X_valid, y_train, y_valid = train_test_split(
    X, y, test_size=${scheme.fraction}, random_state=RANDOM_STATE${classification ? ', stratify=stratify' : ''}
)
model = build_model().fit(X_train, y_train)
valid_score = evaluate(model, X_valid, y_valid)
log(f"holdout {METRIC} on {len(y_valid)} rows: {valid_score:.5f}")
`;
  }
  const splitter = classification ? 'StratifiedKFold' : 'KFold';
  imports.add('sklearn.model_selection', splitter);
  const k = scheme.folds;
  return `
folds = ${splitter}(n_splits=${k}, shuffle=True, random_state=RANDOM_STATE)
fold_scores = []
for fold, (train_index, valid_index) in enumerate(folds.split(X, y), start=1):
    X_valid, y_valid = X.iloc[valid_index], y[valid_index]
    model = build_model().fit(X.iloc[train_index], y[train_index])
    fold_scores.append(evaluate(model, X_valid, y_valid))
    log(f"fold {fold}/${k} {METRIC}: {fold_scores[-1]:.5f}")
valid_score = float(np.mean(fold_scores))
log(f"${k}-fold {METRIC}: {valid_score:.5f} (std {np.std(fold_scores):.5f})")
`;
}

function writeOutputs(g: Genome): string {
  const rows = g.fault === 'wrong-row-count' ? 'X_valid' : 'X_test';
  const ids = g.fault === 'wrong-row-count' ? 'test[ID_COLUMN].to_numpy()[: len(predictions)]' : 'test[ID_COLUMN].to_numpy()';
  const toCsv = g.fault === 'index-column' ? 'submission.to_csv("submission.csv")' : 'submission.to_csv("submission.csv", index=False)';
  const score = g.fault === 'float32-json' ? 'np.float32(valid_score)' : 'float(valid_score)';
  const metrics =
    g.fault === 'missing-metrics'
      ? `log(f"validation {METRIC}: {valid_score:.5f}")`
      : `with open("metrics.json", "w") as f:
    json.dump({"metric": METRIC, "score": ${score}}, f)
log(f"wrote metrics.json: {METRIC} = {valid_score:.5f}")`;
  return `
final_model = build_model().fit(X, y)
log("refit on all training rows")
predictions = predict_submission(final_model, ${rows})
prediction_column = next(c for c in sample_submission.columns if c != ID_COLUMN)
submission = pd.DataFrame({ID_COLUMN: ${ids}, prediction_column: predictions})
${toCsv}
log(f"wrote submission.csv: {len(submission)} rows")
${metrics}
`;
}

export function renderSolution(genome: Genome, task: TaskSpec): string {
  const g = canonical(genome, task.type);
  const imports = new Imports();
  // The body is rendered first so the header knows every import it needs.
  const body = [loadData(task, imports), buildModel(g, task, imports), metricFunctions(task, imports), validate(g, task, imports), writeOutputs(g)];
  const sections = [header(g, task, imports), ...body].map((section) => section.trim());
  let code = sections[0] as string;
  for (const section of sections.slice(1)) {
    // PEP 8: two blank lines around top-level functions (a section ending indented ends in a block).
    const lastLine = code.slice(code.lastIndexOf('\n') + 1);
    code += /^\s/.test(lastLine) || section.startsWith('def ') ? `\n\n\n${section}` : `\n\n${section}`;
  }
  return `${code}\n`;
}

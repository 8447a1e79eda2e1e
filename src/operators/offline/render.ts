import path from 'node:path';
import type { MetricName, TableTask, TaskSpec } from '../../tasks/types.js';
import { misspell } from './faults.js';
import { canonical, genomeLine, isImage, isTabular, isText, validationScheme, type Genome, type ImageGenome, type TabularGenome, type TextGenome } from './genome.js';
import { modelSpec, pythonLiteral, type ModelSpec, type ParamValue } from './models.js';

/**
 * Renders a genome into a complete Python solution for a task. A pure function of (genome, task):
 * the same inputs give byte-identical code, and the genome line on top lets anyone re-render it.
 *
 * The code targets scikit-learn 1.2 (Debian's, in the Docker image) through 1.9 (the venv), and
 * pandas 1.5 through 3: hence OneHotEncoder(sparse_output=...) (new in 1.2), RMSE computed by hand,
 * the calibrated model passed positionally (base_estimator in 1.2, estimator later), and
 * CalibratedClassifierCV instead of SVC(probability=True), which 1.9 deprecates.
 *
 * Per task type: tabular pipelines (imputation, scaling, encoding, feature steps), TF-IDF features
 * for text, grayscale pixel features for images (read with Pillow, or with a small PNG decoder of
 * its own where Pillow is not installed).
 */

/** Collects `from module import Name` lines so the header imports exactly what the body uses. */
class Imports {
  private readonly from = new Map<string, Set<string>>();
  private readonly plain = new Set<string>(['json', 'os', 'time']);
  module(name: string): void {
    this.plain.add(name);
  }
  add(module: string, ...names: string[]): void {
    const set = this.from.get(module) ?? new Set<string>();
    for (const n of names) set.add(n);
    this.from.set(module, set);
  }
  render(): string {
    const lines = [...[...this.plain].sort().map((m) => `import ${m}`), '', 'import numpy as np', 'import pandas as pd'];
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
  if (spec.calibrate && PROBABILISTIC.includes(metric)) {
    // Platt scaling gives a margin-based model calibrated probabilities for auc/logloss.
    imports.add('sklearn.calibration', 'CalibratedClassifierCV');
    return `CalibratedClassifierCV(${expression}, ensemble=False)`;
  }
  return expression;
}

function dataFile(task: TableTask, file: string): string {
  return path.isAbsolute(file) ? path.relative(task.publicDir, file) : file;
}

function header(g: Genome, task: TableTask, imports: Imports): string {
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

const isClassification = (task: TableTask): boolean => task.type !== 'tabular-regression';

const READ_FILES = `
train = pd.read_csv(os.path.join(DATA_DIR, TRAIN_FILE))
test = pd.read_csv(os.path.join(DATA_DIR, TEST_FILE))
sample_submission = pd.read_csv(os.path.join(DATA_DIR, SAMPLE_SUBMISSION_FILE))
log(f"loaded train {train.shape}, test {test.shape}")`;

function encodeLabels(imports: Imports): string {
  imports.add('sklearn.preprocessing', 'LabelEncoder');
  return `label_encoder = LabelEncoder()
y = label_encoder.fit_transform(train[TARGET])
n_classes = len(label_encoder.classes_)`;
}

function loadTabular(task: TableTask, imports: Imports): string {
  const classification = task.type === 'tabular-classification';
  if (classification) imports.add('sklearn.preprocessing', 'LabelEncoder');
  const target = classification
    ? `label_encoder = LabelEncoder()
y = label_encoder.fit_transform(train[TARGET])
n_classes = len(label_encoder.classes_)
log(f"{len(feature_columns)} features ({len(categorical_columns)} categorical), {len(y)} rows, {n_classes} classes")`
    : `y = train[TARGET].to_numpy(dtype="float64")
log(f"{len(feature_columns)} features ({len(categorical_columns)} categorical), {len(y)} rows, target mean {y.mean():.4g}")`;
  return `${READ_FILES}

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

function specOf(g: Genome, task: TableTask): ModelSpec {
  const spec = modelSpec(task.type, g.model.family);
  if (!spec) throw new Error(`model family ${g.model.family} does not fit a ${task.type} task`);
  return spec;
}

function buildTabular(g: TabularGenome, task: TableTask, imports: Imports): string {
  const spec = specOf(g, task);
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

// ---- text ----

function loadText(imports: Imports): string {
  return `${READ_FILES}

TEXT_COLUMN = "text"


def documents(frame):
    # Missing texts become empty documents.
    return frame[TEXT_COLUMN].fillna("").astype(str)


X = documents(train)
X_test = documents(test)
${encodeLabels(imports)}
log(f"{len(y)} documents, {X.str.len().mean():.0f} characters on average, {n_classes} classes")
`;
}

const VECTORIZERS: Record<TextGenome['vectorizer'], [string, string][]> = {
  'word-1': [['word', '(1, 1)']],
  'word-1-2': [['word', '(1, 2)']],
  'char-2-4': [['char_wb', '(2, 4)']],
  'char-3-5': [['char_wb', '(3, 5)']],
  'word+char': [['word', '(1, 2)'], ['char_wb', '(2, 4)']],
};

function buildText(g: TextGenome, task: TableTask, imports: Imports): string {
  const spec = specOf(g, task);
  imports.add('sklearn.feature_extraction.text', 'TfidfVectorizer');
  imports.add('sklearn.pipeline', 'Pipeline');
  const tfidf = ([analyzer, ngrams]: [string, string]): string =>
    `TfidfVectorizer(analyzer=${pyStr(analyzer)}, ngram_range=${ngrams}, min_df=${g.min_df}, max_features=${g.max_features}, sublinear_tf=${g.sublinear_tf ? 'True' : 'False'}, strip_accents="unicode")`;
  const parts = VECTORIZERS[g.vectorizer];
  let vectorizer: string;
  if (parts.length === 1) {
    vectorizer = `    vectorizer = ${tfidf(parts[0] as [string, string])}`;
  } else {
    imports.add('sklearn.pipeline', 'FeatureUnion');
    vectorizer = `    # Word and character n-grams side by side: one sparse matrix with both vocabularies.
    vectorizer = FeatureUnion([
${parts.map((p) => `        (${pyStr(p[0] === 'word' ? 'words' : 'chars')}, ${tfidf(p)}),`).join('\n')}
    ])`;
  }
  return `

def build_model():
${vectorizer}
    return Pipeline([
        ("tfidf", vectorizer),
        ("model", ${modelExpression(g, spec, task.metric, imports)}),
    ])
`;
}

// ---- images ----

/** Reads 8-bit PNGs without Pillow: every colour type, the five row filters, no interlacing. */
const PNG_DECODER = `

def read_png(path):
    # A small PNG decoder for when Pillow is not installed: 8-bit grayscale, RGB, palette, with or
    # without alpha, not interlaced. Returns grayscale intensities 0..255 (ITU-R 601-2 luma).
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\\x89PNG\\r\\n\\x1a\\n":
        raise ValueError(f"{path} is not a PNG file")
    position, chunks, palette, header = 8, [], None, None
    while position < len(data):
        length, kind = struct.unpack(">I4s", data[position:position + 8])
        body = data[position + 8:position + 8 + length]
        position += 12 + length
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"PLTE":
            palette = np.frombuffer(body, dtype=np.uint8).reshape(-1, 3).astype(np.float64)
        elif kind == b"IDAT":
            chunks.append(body)
        elif kind == b"IEND":
            break
    width, height, depth, color, _, _, interlace = header
    if depth != 8 or interlace != 0:
        raise ValueError(f"{path}: only 8-bit, non-interlaced PNGs can be read without Pillow")
    channels = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[color]
    stride = width * channels
    raw = np.frombuffer(zlib.decompress(b"".join(chunks)), dtype=np.uint8).reshape(height, stride + 1)
    rows = np.zeros((height, stride), dtype=np.int64)
    previous = np.zeros(stride, dtype=np.int64)
    for r in range(height):
        kind, line = raw[r, 0], raw[r, 1:].astype(np.int64)
        if kind == 1:
            line = np.cumsum(line.reshape(width, channels), axis=0).ravel() % 256
        elif kind == 2:
            line = (line + previous) % 256
        elif kind in (3, 4):
            out, up = line.tolist(), previous.tolist()
            for i in range(stride):
                left = out[i - channels] if i >= channels else 0
                if kind == 3:
                    out[i] = (out[i] + (left + up[i]) // 2) % 256
                else:
                    corner = up[i - channels] if i >= channels else 0
                    estimate = left + up[i] - corner
                    pa, pb, pc = abs(estimate - left), abs(estimate - up[i]), abs(estimate - corner)
                    nearest = left if pa <= pb and pa <= pc else (up[i] if pb <= pc else corner)
                    out[i] = (out[i] + nearest) % 256
            line = np.array(out, dtype=np.int64)
        rows[r] = line
        previous = line
    if color == 3:
        pixels = palette[rows]
    else:
        pixels = rows.reshape(height, width, channels)[:, :, : 1 if channels <= 2 else 3].astype(np.float64)
    if pixels.shape[2] == 1:
        return pixels[:, :, 0]
    return pixels @ np.array([0.299, 0.587, 0.114])`;

function loadImages(g: ImageGenome, imports: Imports): string {
  imports.module('struct');
  imports.module('zlib');
  // Extras are computed for all images at once, on the (images, SIDE, SIDE) stack.
  const extras: Record<ImageGenome['extras'], string> = {
    none: '',
    projections: `
    # Row and column intensity profiles: where the ink lies.
    parts += [small.mean(axis=2), small.mean(axis=1)]`,
    gradients: `
    # Row and column intensity profiles, and the gradient energy of a 4x4 grid of cells: edges and strokes.
    parts += [small.mean(axis=2), small.mean(axis=1)]
    parts.append(grid_means(np.abs(np.diff(small, axis=2))))
    parts.append(grid_means(np.abs(np.diff(small, axis=1))))`,
  };
  const grid =
    g.extras === 'gradients'
      ? `


def grid_means(values, cells=4):
    # The mean of each cell of a cells x cells grid, per image.
    bands = np.array_split(values, cells, axis=1)
    return np.stack([block.mean(axis=(1, 2)) for band in bands for block in np.array_split(band, cells, axis=2)], axis=1)`
      : '';
  return `${READ_FILES}

IMAGE_COLUMN = "image"
SIDE = ${g.side}

try:
    from PIL import Image
except ImportError:
    Image = None
${PNG_DECODER}


def read_gray(path):
    if Image is not None:
        with Image.open(path) as image:
            return np.asarray(image.convert("L"), dtype=np.float64)
    return read_png(path)


resamplers = {}


def resampler(n):
    # SIDE x n matrix: each output cell averages the input cells it covers (the nearest one when enlarging).
    if n not in resamplers:
        edges = np.linspace(0, n, SIDE + 1)
        matrix = np.zeros((SIDE, n))
        for i in range(SIDE):
            low = min(int(np.floor(edges[i])), n - 1)
            matrix[i, low:max(int(np.ceil(edges[i + 1])), low + 1)] = 1.0
        resamplers[n] = matrix / matrix.sum(axis=1, keepdims=True)
    return resamplers[n]${grid}


def small_image(path):
    # Grayscale in 0..1, resampled to SIDE x SIDE whatever the image's own size.
    gray = read_gray(os.path.join(DATA_DIR, path)) / 255.0
    return resampler(gray.shape[0]) @ gray @ resampler(gray.shape[1]).T


def load_images(frame):
    small = np.stack([small_image(path) for path in frame[IMAGE_COLUMN].astype(str)])
    parts = [small.reshape(len(small), -1)]${extras[g.extras]}
    return np.hstack(parts)


X = load_images(train)
X_test = load_images(test)
${encodeLabels(imports)}
log(f"{len(y)} images as {X.shape[1]} features each ({SIDE}x{SIDE} pixels), {n_classes} classes")
`;
}

function buildImage(g: ImageGenome, task: TableTask, imports: Imports): string {
  const spec = specOf(g, task);
  imports.add('sklearn.pipeline', 'Pipeline');
  const steps: string[] = [];
  let before = '';
  if (g.scale === 'standard') {
    imports.add('sklearn.preprocessing', 'StandardScaler');
    steps.push('("scale", StandardScaler())');
  }
  if (g.reduce !== 'none') {
    imports.add('sklearn.decomposition', 'PCA');
    before = `
# PCA cannot keep more components than features or training rows.
PCA_COMPONENTS = min(${g.reduce.slice(4)}, X.shape[1], len(y) // 2)
`;
    steps.push('("pca", PCA(n_components=PCA_COMPONENTS, random_state=RANDOM_STATE))');
  }
  steps.push(`("model", ${modelExpression(g, spec, task.metric, imports)})`);
  return `${before}

def build_model():
    return Pipeline([
${steps.map((s) => `        ${s},`).join('\n')}
    ])
`;
}

/** evaluate() scores a fitted model on validation rows; predict_submission() makes the submission column. */
function metricFunctions(task: TableTask, imports: Imports): string {
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

function validate(g: Genome, task: TableTask, imports: Imports): string {
  const scheme = validationScheme(g.validation);
  const classification = isClassification(task);
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
  // Pixel features are a numpy array; tables and documents are pandas objects.
  const rows = (index: string): string => (task.type === 'image-classification' ? `X[${index}]` : `X.iloc[${index}]`);
  return `
folds = ${splitter}(n_splits=${k}, shuffle=True, random_state=RANDOM_STATE)
fold_scores = []
for fold, (train_index, valid_index) in enumerate(folds.split(X, y), start=1):
    X_valid, y_valid = ${rows('valid_index')}, y[valid_index]
    model = build_model().fit(${rows('train_index')}, y[train_index])
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

export function renderSolution(genome: Genome, task: TableTask): string {
  const g = canonical(genome, task.type);
  const imports = new Imports();
  // The body is rendered first so the header knows every import it needs.
  let pipeline: string[];
  if (isText(g)) pipeline = [loadText(imports), buildText(g, task, imports)];
  else if (isImage(g)) pipeline = [loadImages(g, imports), buildImage(g, task, imports)];
  else if (isTabular(g)) pipeline = [loadTabular(task, imports), buildTabular(g, task, imports)];
  else throw new Error(`a genome of no known type for a ${task.type} task`);
  const body = [...pipeline, metricFunctions(task, imports), validate(g, task, imports), writeOutputs(g)];
  const sections = [header(g, task, imports), ...body].map((section) => section.trim());
  let code = sections[0] as string;
  for (const section of sections.slice(1)) {
    // PEP 8: two blank lines around top-level functions (a section ending indented ends in a block).
    const lastLine = code.slice(code.lastIndexOf('\n') + 1);
    code += /^\s/.test(lastLine) || section.startsWith('def ') ? `\n\n\n${section}` : `\n\n${section}`;
  }
  return `${code}\n`;
}

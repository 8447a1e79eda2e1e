import path from 'node:path';
import type { MetricName, TaskSpec } from '../../tasks/types.js';
import { misspell } from './faults.js';
import { canonical, genomeLine, isImage, isTabular, isText, validationScheme, type Genome, type ImageGenome, type TabularGenome, type TextGenome } from './genome.js';
import { modelSpec, pythonLiteral, type ModelSpec, type ParamValue } from './models.js';
import { offlineTask, type OfflineTask } from './task.js';

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
 * its own where Pillow is not installed). Per shape of the submission (task.ts): one prediction
 * column, several (one model per column), or the classes of one train column (class probabilities).
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

/** A soft-voting ensemble of the members its genome names, each with the ensemble's parameters it takes. */
function votingExpression(g: Genome, spec: ModelSpec, members: NonNullable<ModelSpec['members']>, imports: Imports): string {
  const estimators = String(g.model.params.members).split('+').map((key) => {
    const member = members[key];
    if (!member) throw new Error(`ensemble member ${key} is not one of ${Object.keys(members).join(', ')}`);
    imports.add(member.module, member.className);
    const args = member.params.map((name) => {
      const param = spec.params.find((p) => p.name === name);
      if (!param) throw new Error(`ensemble member ${key} takes ${name}, which the ${spec.family} family does not have`);
      return `${name}=${pythonLiteral(g.model.params[name] as ParamValue, param)}`;
    });
    args.push(...member.fixed);
    if (member.seeded) args.push('random_state=RANDOM_STATE');
    return `("${key}", ${member.className}(${args.join(', ')}))`;
  });
  // Soft voting averages the members' class probabilities (a regressor averages its members' predictions).
  const voting = spec.className === 'VotingClassifier' ? ', voting="soft"' : '';
  return `${spec.className}([${estimators.join(', ')}]${voting})`;
}

function modelExpression(g: Genome, spec: ModelSpec, task: OfflineTask, imports: Imports): string {
  imports.add(spec.module, spec.className);
  if (spec.members) return votingExpression(g, spec, spec.members, imports);
  const args = spec.params.map((p) => `${p.name}=${pythonLiteral(g.model.params[p.name] as ParamValue, p)}`);
  args.push(...spec.fixed);
  if (spec.seeded) args.push('random_state=RANDOM_STATE');
  const expression = `${spec.className}(${args.join(', ')})`;
  if (spec.calibrate && (task.output === 'probabilities' || task.output === 'sample')) {
    // Platt scaling gives a margin-based model calibrated probabilities, for submissions that hold them.
    imports.add('sklearn.calibration', 'CalibratedClassifierCV');
    return `CalibratedClassifierCV(${expression}, ensemble=False)`;
  }
  return expression;
}

function dataFile(task: OfflineTask, file: string): string {
  return path.isAbsolute(file) ? path.relative(task.publicDir, file) : file;
}

/** The train columns the solution learns: TARGET (one column), or TARGETS (one model per column). */
function targetLine(g: Genome, task: OfflineTask): string {
  const typo = (name: string): string => (g.fault === 'misspelled-column' ? misspell(name) : name);
  const { learn } = task;
  if (learn.kind !== 'columns') return `TARGET = ${pyStr(typo(learn.column))}`;
  return `TARGETS = [${learn.columns.map((c, i) => pyStr(i === 0 ? typo(c) : c)).join(', ')}]`;
}

function header(g: Genome, task: OfflineTask, imports: Imports): string {
  // A task with no metric and a sample-decided output sets METRIC once the sample submission is read.
  const metric = task.output === 'sample' ? '' : `\nMETRIC = ${pyStr(task.metric)}`;
  return `${genomeLine(g, task.type)}
# Written by Crucible's offline operator: a deterministic program generator, not an LLM.
${imports.render()}

DATA_DIR = os.environ.get("CRUCIBLE_DATA_DIR", "/data")
TRAIN_FILE = ${pyStr(dataFile(task, task.files.train))}
TEST_FILE = ${pyStr(dataFile(task, task.files.test))}
SAMPLE_SUBMISSION_FILE = ${pyStr(dataFile(task, task.files.sampleSubmission))}
${targetLine(g, task)}
ID_COLUMN = ${pyStr(task.idColumn)}${metric}
RANDOM_STATE = 0
STARTED = time.time()


def log(message):
    print(f"[{time.time() - STARTED:5.1f}s] {message}", flush=True)
`;
}

const isClassification = (task: OfflineTask): boolean => task.type !== 'tabular-regression';
const isPerColumn = (task: OfflineTask): boolean => task.learn.kind === 'columns';

const READ_FILES = `
train = pd.read_csv(os.path.join(DATA_DIR, TRAIN_FILE))
test = pd.read_csv(os.path.join(DATA_DIR, TEST_FILE))
sample_submission = pd.read_csv(os.path.join(DATA_DIR, SAMPLE_SUBMISSION_FILE))
log(f"loaded train {train.shape}, test {test.shape}")`;

/**
 * Each input column's role, read from its values, never from its name; one function every pipeline
 * uses. The thresholds: a string column is free text when most values differ, most hold a space and
 * they average 20 characters; an integer column of 3 to 10 values is a category code; a column unique
 * per row that is neither text nor a path (strings, or integers numbering the rows) names the row.
 */
function columnRoles(imports: Imports): string {
  imports.module('warnings');
  return `
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff", ".webp")
# Year, month and day with - / or . between them (either end first), and an optional time of day.
DATE_PATTERN = r"^\\d{1,4}[-/.]\\d{1,2}[-/.]\\d{1,4}(?:[ T]\\d{1,2}:\\d{2}(?::\\d{2}(?:\\.\\d+)?)?)?(?:Z|[+-]\\d{2}:?\\d{2})?$"


def spread(values, n=50):
    # Up to n values from all over the column, so a sorted table is judged by more than its head.
    return values.iloc[:: max(1, len(values) // n)].iloc[:n]


def to_dates(values):
    # Unparseable values become NaT; pandas warns when it guesses a format, which is what is wanted here.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return pd.to_datetime(values, errors="coerce", utc=True)


def column_role(values):
    # "id": unique per row and no signal (dropped); "numeric"; "categorical": strings, or an integer
    # code of a few values; "text": free text (TF-IDF); "image": paths of image files under DATA_DIR;
    # "date": year, month, day and weekday become numbers; "empty": no value at all (dropped).
    present = values.dropna()
    if len(present) == 0:
        return "empty"
    distinct = present.nunique()
    unique_per_row = len(values) > 1 and distinct == len(values)
    if pd.api.types.is_bool_dtype(values):
        return "numeric"
    if pd.api.types.is_numeric_dtype(values):
        integral = bool((present == np.round(present)).all())
        if integral and unique_per_row and present.max() - present.min() < 2 * len(values):
            return "id"
        return "categorical" if integral and 3 <= distinct <= 10 else "numeric"
    strings = present.astype(str).str.strip()
    probe = spread(strings)
    if all(p.lower().endswith(IMAGE_SUFFIXES) and os.path.isfile(os.path.join(DATA_DIR, p)) for p in probe):
        return "image"
    if probe.str.match(DATE_PATTERN).mean() >= 0.9 and to_dates(probe).notna().mean() >= 0.9:
        return "date"
    if distinct > len(strings) / 2 and strings.str.contains(" ").mean() >= 0.5 and strings.str.len().mean() >= 20:
        return "text"
    return "id" if unique_per_row else "categorical"


# The columns train and test share, besides what is predicted, by role. The row id is no input
# unless it is free text (a comment can name its row and be the input too).
roles = {c: column_role(pd.concat([train[c], test[c]], ignore_index=True)) for c in train.columns if c in test.columns and c not in PREDICTED}
if roles.get(ID_COLUMN) != "text":
    roles.pop(ID_COLUMN, None)


def columns_of(*wanted):
    return [c for c, role in roles.items() if role in wanted]


for role in ("numeric", "categorical", "text", "image", "date", "id", "empty"):
    if columns_of(role):
        names = columns_of(role)
        log(f"{role} columns ({len(names)}): {', '.join(names[:8])}{', ...' if len(names) > 8 else ''}")`;
}

/** The columns no role is read for: what is predicted. */
const predicted = (task: OfflineTask): string => (isPerColumn(task) ? 'PREDICTED = TARGETS' : 'PREDICTED = [TARGET]');

/** The data read and every column's role: the start of each pipeline's loading. */
const readData = (task: OfflineTask, imports: Imports): string => `${READ_FILES}
${predicted(task)}
${columnRoles(imports)}`;

/**
 * A regression task scored by an exact-match metric (accuracy, f1): an integer target's predictions
 * are rounded to integers in its training range; a target with fractions keeps its predictions.
 */
const AS_LABELS = `
INTEGER_TARGET = bool((y == np.round(y)).all())


def as_labels(values):
    # The metric compares exact values: predictions of an integer target become integers it could take.
    return np.clip(np.rint(values), y.min(axis=0), y.max(axis=0)).astype("int64") if INTEGER_TARGET else values`;

/** The y the models learn, and how the load log line summarises it. */
function targets(task: OfflineTask, imports: Imports): { lines: string; summary: string } {
  if (!isClassification(task)) {
    const y = isPerColumn(task)
      ? { lines: 'y = train[TARGETS].to_numpy(dtype="float64")', summary: '{y.shape[1]} targets' }
      : { lines: 'y = train[TARGET].to_numpy(dtype="float64")', summary: 'target mean {y.mean():.4g}' };
    return task.output === 'labels' ? { ...y, lines: `${y.lines}${AS_LABELS}` } : y;
  }
  imports.add('sklearn.preprocessing', 'LabelEncoder');
  if (isPerColumn(task)) {
    return {
      lines: `# Each target column's values are coded 0..k-1 on their own.
label_encoders = [LabelEncoder().fit(train[c]) for c in TARGETS]
y = np.column_stack([e.transform(train[c]) for e, c in zip(label_encoders, TARGETS)])`,
      summary: '{y.shape[1]} targets',
    };
  }
  return {
    lines: `label_encoder = LabelEncoder()
y = label_encoder.fit_transform(train[TARGET])
n_classes = len(label_encoder.classes_)`,
    summary: '{n_classes} classes',
  };
}

function loadTabular(task: OfflineTask, imports: Imports): string {
  const { lines, summary } = targets(task, imports);
  return `${readData(task, imports)}

numeric_columns = columns_of("numeric")
categorical_columns = columns_of("categorical")
text_columns = columns_of("text")
date_columns = columns_of("date")
# Image paths in a table carry no pixels here; ids and empty columns carry no signal.
DATE_PARTS = ("year", "month", "day", "day_of_week")
date_features = [f"{c}_{part}" for c in date_columns for part in DATE_PARTS]
feature_columns = numeric_columns + categorical_columns + text_columns + date_features


def category_label(value):
    # Integer codes become strings that sort as the numbers do, so ordinal codes keep their order.
    return f"{int(value) + 10 ** 12:013d}" if isinstance(value, (int, float, np.number)) else str(value)


def prepare(frame):
    # Categories become plain strings with an explicit missing level, texts strings (missing: empty),
    # dates their parts and numbers floats, so every encoder and imputer accepts them whatever dtypes
    # pandas inferred.
    frame = frame.copy()
    for column in categorical_columns:
        frame[column] = frame[column].map(lambda v: "__missing__" if pd.isna(v) else category_label(v)).astype(str)
    for column in text_columns:
        frame[column] = frame[column].fillna("").astype(str)
    for column in date_columns:
        stamps = to_dates(frame[column])
        for part in DATE_PARTS:
            frame[f"{column}_{part}"] = getattr(stamps.dt, part).astype("float64")
    frame[numeric_columns] = frame[numeric_columns].astype("float64")
    return frame[feature_columns]


X = prepare(train)
X_test = prepare(test)
${lines}
log(f"{len(feature_columns)} features ({len(categorical_columns)} categorical, {len(text_columns)} free text, {len(date_columns)} dates), {len(y)} rows, ${summary}")
`;
}

function specOf(g: Genome, task: OfflineTask): ModelSpec {
  const spec = modelSpec(task.type, g.model.family);
  if (!spec) throw new Error(`model family ${g.model.family} does not fit a ${task.type} task`);
  return spec;
}

/** Free text inside a table: TF-IDF of words and word pairs; a model that rejects sparse input gets its leading components. */
function textFeatures(spec: ModelSpec, imports: Imports): string {
  imports.add('sklearn.feature_extraction.text', 'TfidfVectorizer');
  const tfidf = 'TfidfVectorizer(ngram_range=(1, 2), max_features=20000, sublinear_tf=True, strip_accents="unicode")';
  if (!spec.denseInput) {
    return `


def text_features():
    return ${tfidf}`;
  }
  imports.add('sklearn.decomposition', 'TruncatedSVD');
  return `


def text_features():
    # ${spec.label} needs dense input: the TF-IDF matrix's 64 leading components (latent semantic analysis).
    return Pipeline([
        ("tfidf", ${tfidf}),
        ("svd", TruncatedSVD(n_components=64, random_state=RANDOM_STATE)),
    ])`;
}

function buildTabular(g: TabularGenome, task: OfflineTask, imports: Imports, name: string): string {
  const spec = specOf(g, task);
  imports.add('sklearn.compose', 'ColumnTransformer');
  imports.add('sklearn.pipeline', 'Pipeline');
  imports.add('sklearn.impute', 'SimpleImputer');

  const numeric = [`numeric_steps = [("impute", SimpleImputer(strategy=${pyStr(g.impute)}))]`];
  if (g.features === 'poly2') {
    imports.add('sklearn.preprocessing', 'PolynomialFeatures');
    numeric.push(
      '# The expansion grows quadratically with the column count; skip it on wide tables.',
      'if len(numeric_columns) + len(date_features) <= 20:',
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
  steps.push(`("model", ${modelExpression(g, spec, task, imports)})`);

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

  return `${before}${textFeatures(spec, imports)}

def ${name}():
${numeric.map((l) => `    ${l}`).join('\n')}
    transformers = []
    # A date's parts are numbers: they go the numeric columns' way (else the transformer would drop them).
    if numeric_columns or date_features:
        transformers.append(("numeric", Pipeline(numeric_steps), numeric_columns + date_features))
    if categorical_columns:
        transformers.append(("categorical", ${encoder}, categorical_columns))
    # One TF-IDF per free-text column (a column name, not a list: the vectorizer takes one text per row).
    for i, column in enumerate(text_columns):
        transformers.append((f"text{i}", text_features(), column))
    pipeline = Pipeline([
${steps.map((s) => `        ${s},`).join('\n')}
    ])
${ret}
`;
}

// ---- text ----

function loadText(task: OfflineTask, imports: Imports): string {
  const { lines, summary } = targets(task, imports);
  return `${readData(task, imports)}


def text_column():
    # The free text: of the columns whose role is text, the one with the longest values on average;
    # where none reads as free text (short texts), of the string columns.
    strings = columns_of("text") or [c for c in columns_of("categorical", "id") if not pd.api.types.is_numeric_dtype(train[c])]
    if not strings:
        raise ValueError(f"no column of {TRAIN_FILE} holds text: the roles of its columns are {roles}")
    return max(strings, key=lambda c: train[c].fillna("").astype(str).str.len().mean())


TEXT_COLUMN = text_column()


def documents(frame):
    # Missing texts become empty documents.
    return frame[TEXT_COLUMN].fillna("").astype(str)


X = documents(train)
X_test = documents(test)
${lines}
log(f"{len(y)} documents in column {TEXT_COLUMN}, {X.str.len().mean():.0f} characters on average, ${summary}")
`;
}

const VECTORIZERS: Record<TextGenome['vectorizer'], [string, string][]> = {
  'word-1': [['word', '(1, 1)']],
  'word-1-2': [['word', '(1, 2)']],
  'char-2-4': [['char_wb', '(2, 4)']],
  'char-3-5': [['char_wb', '(3, 5)']],
  'word+char': [['word', '(1, 2)'], ['char_wb', '(2, 4)']],
};

function buildText(g: TextGenome, task: OfflineTask, imports: Imports, name: string): string {
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

def ${name}():
${vectorizer}
    return Pipeline([
        ("tfidf", vectorizer),
        ("model", ${modelExpression(g, spec, task, imports)}),
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

function loadImages(g: ImageGenome, task: OfflineTask, imports: Imports): string {
  const { lines, summary } = targets(task, imports);
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
  return `${readData(task, imports)}

if not columns_of("image"):
    raise ValueError(f"no column of {TRAIN_FILE} names image files under {DATA_DIR}: the roles of its columns are {roles}")
# The first column of image paths, whatever its name.
IMAGE_COLUMN = columns_of("image")[0]
log(f"images: column {IMAGE_COLUMN}")
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
${lines}
log(f"{len(y)} images as {X.shape[1]} features each ({SIDE}x{SIDE} pixels), ${summary}")
`;
}

function buildImage(g: ImageGenome, task: OfflineTask, imports: Imports, name: string): string {
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
  steps.push(`("model", ${modelExpression(g, spec, task, imports)})`);
  return `${before}

def ${name}():
    return Pipeline([
${steps.map((s) => `        ${s},`).join('\n')}
    ])
`;
}

const SCORERS: Record<MetricName, string> = {
  accuracy: 'accuracy_score',
  f1: 'f1_score',
  auc: 'roc_auc_score',
  logloss: 'log_loss',
  rmse: 'mean_squared_error',
  mae: 'mean_absolute_error',
};

/** One target column's score, of `y_valid[:, j]` and `predicted[:, j]`. */
const COLUMN_SCORES: Record<MetricName, string> = {
  accuracy: 'accuracy_score(y_valid[:, j], predicted[:, j])',
  f1: 'f1_score(y_valid[:, j], predicted[:, j], average="macro")',
  auc: 'roc_auc_score(y_valid[:, j], predicted[:, j])',
  logloss: 'log_loss(y_valid[:, j], predicted[:, j], labels=[0, 1])',
  rmse: 'np.sqrt(mean_squared_error(y_valid[:, j], predicted[:, j]))',
  mae: 'mean_absolute_error(y_valid[:, j], predicted[:, j])',
};

const usesProbabilities = (metric: MetricName): boolean => metric === 'auc' || metric === 'logloss';

/** The lines of evaluate(model, X_valid, y_valid) for one metric. */
function evaluateLines(task: OfflineTask, metric: MetricName): string[] {
  if (!isClassification(task) && (metric === 'accuracy' || metric === 'f1')) {
    const score = metric === 'accuracy' ? 'accuracy_score' : 'f1_score';
    const average = metric === 'f1' ? ', average="macro"' : '';
    return isPerColumn(task)
      ? ['predicted = as_labels(model.predict(X_valid))', `return float(np.mean([${score}(y_valid[:, j], predicted[:, j]${average}) for j in range(y_valid.shape[1])]))`]
      : [`return ${score}(y_valid, as_labels(model.predict(X_valid))${average})`];
  }
  if (task.learn.kind === 'columns') {
    const auc = metric === 'auc';
    return [
      `# The mean over the target columns${auc ? ' whose validation rows hold both classes' : ''}.`,
      `predicted = model.${usesProbabilities(metric) ? 'predict_proba' : 'predict'}(X_valid)`,
      `return float(np.mean([${COLUMN_SCORES[metric]} for j in range(y_valid.shape[1])${auc ? ' if len(np.unique(y_valid[:, j])) > 1' : ''}]))`,
    ];
  }
  if (metric === 'auc' && task.learn.kind === 'classes') {
    return [
      '# The mean one-vs-rest auc over the classes the validation rows hold (and do not all hold).',
      'probabilities = class_probabilities(model, X_valid)',
      'present = [k for k in range(n_classes) if 0 < np.sum(y_valid == k) < len(y_valid)]',
      'return float(np.mean([roc_auc_score(y_valid == k, probabilities[:, k]) for k in present]))',
    ];
  }
  const single: Record<MetricName, string> = {
    accuracy: 'accuracy_score(y_valid, model.predict(X_valid))',
    f1: 'f1_score(y_valid, model.predict(X_valid), average="binary" if n_classes == 2 else "macro")',
    auc: 'roc_auc_score(y_valid, model.predict_proba(X_valid)[:, 1])',
    logloss: 'log_loss(y_valid, class_probabilities(model, X_valid), labels=np.arange(n_classes))',
    rmse: 'float(np.sqrt(mean_squared_error(y_valid, model.predict(X_valid))))',
    mae: 'mean_absolute_error(y_valid, model.predict(X_valid))',
  };
  return [`return ${single[metric]}`];
}

/** Predicted values; where the task names no metric, never below 0 for a target never below 0 in training. */
function predictedValues(task: OfflineTask): { before: string[]; values: string } {
  if (task.metricChoice === null) return { before: [], values: 'model.predict(frame)' };
  return {
    before: [
      '# The task names no metric: a target never negative in training is never predicted negative (log errors need that).',
      'floor = np.where((y >= 0).all(axis=0), 0.0, -np.inf)',
    ],
    values: 'np.maximum(model.predict(frame), floor)',
  };
}

/** The lines of predict_submission(model, frame): a frame of the prediction columns. */
function predictLines(task: OfflineTask, output: Exclude<OfflineTask['output'], 'sample'>): string[] {
  const { learn } = task;
  if (learn.kind === 'classes') {
    return [
      '# One probability per class column of the sample submission: a class no training row has gets 0.',
      'probabilities = pd.DataFrame(class_probabilities(model, frame), columns=label_encoder.classes_.astype(str))',
      'probabilities = probabilities.reindex(columns=prediction_columns, fill_value=0.0)',
      'return probabilities.div(probabilities.sum(axis=1), axis=0)',
    ];
  }
  const { before, values } = predictedValues(task);
  if (!isClassification(task) && output === 'labels') {
    return [learn.kind === 'columns' ? 'return pd.DataFrame(as_labels(model.predict(frame)), columns=TARGETS)' : 'return pd.DataFrame({TARGET: as_labels(model.predict(frame))})'];
  }
  if (learn.kind === 'columns') {
    switch (output) {
      case 'probabilities':
        return ['# Each column holds the probability of its class 1.', 'return pd.DataFrame(model.predict_proba(frame), columns=TARGETS)'];
      case 'labels':
        return [
          'predicted = model.predict(frame).astype(int)',
          'return pd.DataFrame({c: e.inverse_transform(predicted[:, j]) for j, (e, c) in enumerate(zip(label_encoders, TARGETS))})',
        ];
      case 'values':
        return [...before, `return pd.DataFrame(${values}, columns=TARGETS)`];
    }
  }
  switch (output) {
    case 'probabilities':
      return ['# The submission holds the probability of class 1 (such tasks are binary).', 'return pd.DataFrame({TARGET: model.predict_proba(frame)[:, 1]})'];
    case 'labels':
      return ['return pd.DataFrame({TARGET: label_encoder.inverse_transform(model.predict(frame))})'];
    case 'values':
      return [...before, `return pd.DataFrame({TARGET: ${values}})`];
  }
}

/** `if PROBABILITIES:` the first lines, else the second. */
const branch = (probabilities: string[], labels: string[]): string[] => ['if PROBABILITIES:', ...probabilities.map((l) => `    ${l}`), ...labels];

/** Where the task names no metric and the sample submission says what to write: PROBABILITIES and METRIC. */
function sampleOutput(task: OfflineTask): string {
  if (task.output !== 'sample') return '';
  return `
# The task names no metric: floats in 0..1 in the sample submission mean probabilities, validated by
# log loss; anything else means labels, validated by accuracy.
sample_values = sample_submission[[c for c in sample_submission.columns if c not in test.columns]]
PROBABILITIES = all(pd.api.types.is_float_dtype(t) for t in sample_values.dtypes) and bool(sample_values.stack().between(0, 1).all())
METRIC = "logloss" if PROBABILITIES else "accuracy"
log(f"the sample submission holds {'probabilities' if PROBABILITIES else 'labels'}: validating with {METRIC}")
`;
}

/** A model fitted on fewer rows may not have seen every class: its probabilities, one column per class of the train table. */
const CLASS_PROBABILITIES = `

def class_probabilities(model, frame):
    # Classes missing from the rows the model was fitted on get 0.
    probabilities = np.zeros((len(frame), n_classes))
    probabilities[:, model.classes_] = model.predict_proba(frame)
    return probabilities
`;

/** evaluate() scores a fitted model on validation rows; predict_submission() makes the submission's prediction columns. */
function metricFunctions(task: OfflineTask, imports: Imports): string {
  const sample = task.output === 'sample';
  const metrics: MetricName[] = sample ? ['logloss', 'accuracy'] : [task.metric];
  for (const metric of metrics) imports.add('sklearn.metrics', SCORERS[metric]);
  const evaluate = sample ? branch(evaluateLines(task, 'logloss'), evaluateLines(task, 'accuracy')) : evaluateLines(task, task.metric);
  const predict = sample ? branch(predictLines(task, 'probabilities'), predictLines(task, 'labels')) : predictLines(task, task.output as Exclude<OfflineTask['output'], 'sample'>);
  const helper = task.learn.kind !== 'columns' && (task.learn.kind === 'classes' || metrics.includes('logloss')) ? CLASS_PROBABILITIES : '';
  const body = (lines: string[]): string => lines.map((l) => `    ${l}`).join('\n');
  return `${helper}

def evaluate(model, X_valid, y_valid):
${body(evaluate)}


def predict_submission(model, frame):
${body(predict)}
`;
}

/** One model per target column, for tasks that predict several train columns. */
const PER_COLUMN = `

class PerColumn:
    # One model per target column, each from build_column_model(); a column that holds a single value
    # in the rows it is fitted on needs no model: it predicts that value.
    def fit(self, X, y):
        self.models = [build_column_model().fit(X, column) if len(np.unique(column)) > 1 else column[0] for column in y.T]
        return self

    def predict(self, X):
        return np.column_stack([np.full(len(X), m) if np.isscalar(m) else m.predict(X) for m in self.models])

    def predict_proba(self, X):
        # Each column's probability of its class 1.
        return np.column_stack([np.full(len(X), float(m)) if np.isscalar(m) else m.predict_proba(X)[:, 1] for m in self.models])


def build_model():
    return PerColumn()
`;

function validate(g: Genome, task: OfflineTask, imports: Imports): string {
  const scheme = validationScheme(g.validation);
  // Several target columns at once cannot be stratified.
  const stratified = isClassification(task) && !isPerColumn(task);
  if (scheme.scheme === 'holdout') {
    imports.add('sklearn.model_selection', 'train_test_split');
    const stratify = stratified
      ? `# Stratify when every class has at least two rows; the split cannot otherwise.
stratify = y if np.bincount(y).min() >= 2 else None
`
      : '';
    return `
${stratify}X_train, X_valid, y_train, y_valid = train_test_split(
    X, y, test_size=${scheme.fraction}, random_state=RANDOM_STATE${stratified ? ', stratify=stratify' : ''}
)
model = build_model().fit(X_train, y_train)
valid_score = evaluate(model, X_valid, y_valid)
log(f"holdout {METRIC} on {len(y_valid)} rows: {valid_score:.5f}")
`;
  }
  const k = scheme.folds;
  imports.add('sklearn.model_selection', 'KFold');
  let folds = `folds = KFold(n_splits=${k}, shuffle=True, random_state=RANDOM_STATE)`;
  if (stratified) {
    imports.add('sklearn.model_selection', 'StratifiedKFold');
    folds = `# Stratify when every class has at least ${k} rows; the folds cannot otherwise.
splitter = StratifiedKFold if np.bincount(y).min() >= ${k} else KFold
folds = splitter(n_splits=${k}, shuffle=True, random_state=RANDOM_STATE)`;
  }
  // Pixel features are a numpy array; tables and documents are pandas objects.
  const rows = (index: string): string => (task.type === 'image-classification' ? `X[${index}]` : `X.iloc[${index}]`);
  return `
${folds}
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
  const copied = g.fault === 'wrong-row-count' ? 'test[c].to_numpy()[: len(predictions)]' : 'test[c].to_numpy()';
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
# The columns to predict: those of the sample submission that the test table does not have.
prediction_columns = [c for c in sample_submission.columns if c not in test.columns]
predictions = predict_submission(final_model, ${rows})
# The sample submission's columns in its order: the predictions, and the test table's own columns copied.
submission = pd.DataFrame({c: predictions[c].to_numpy() if c in prediction_columns else ${copied} for c in sample_submission.columns})
${toCsv}
log(f"wrote submission.csv: {len(submission)} rows")
${metrics}
`;
}

/** renderSolution for a task already read by offlineTask. */
export function renderFor(genome: Genome, task: OfflineTask): string {
  const g = canonical(genome, task.type);
  const imports = new Imports();
  // With several target columns, the type's pipeline is each column's model.
  const build = isPerColumn(task) ? 'build_column_model' : 'build_model';
  // The body is rendered first so the header knows every import it needs.
  let pipeline: string[];
  if (isText(g)) pipeline = [loadText(task, imports), sampleOutput(task), buildText(g, task, imports, build)];
  else if (isImage(g)) pipeline = [loadImages(g, task, imports), sampleOutput(task), buildImage(g, task, imports, build)];
  else if (isTabular(g)) pipeline = [loadTabular(task, imports), sampleOutput(task), buildTabular(g, task, imports, build)];
  else throw new Error(`a genome of no known type for a ${task.type} task`);
  if (isPerColumn(task)) pipeline.push(PER_COLUMN);
  const body = [...pipeline, metricFunctions(task, imports), validate(g, task, imports), writeOutputs(g)];
  const sections = [header(g, task, imports), ...body].map((section) => section.trim()).filter(Boolean);
  let code = sections[0] as string;
  for (const section of sections.slice(1)) {
    // PEP 8: two blank lines around top-level functions (a section ending indented ends in a block).
    const lastLine = code.slice(code.lastIndexOf('\n') + 1);
    code += /^\s/.test(lastLine) || /^(def|class) /.test(section) ? `\n\n\n${section}` : `\n\n${section}`;
  }
  return `${code}\n`;
}

/** The solution a genome stands for on a task; an UnfitTaskError when the task is not one table of rows to predict. */
export function renderSolution(genome: Genome, task: TaskSpec): string {
  return renderFor(genome, offlineTask(task));
}

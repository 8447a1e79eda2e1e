/** A training script for the bundled breast-cancer task, as a model might write it (for the LLM test doubles). */
export function solution(opts: { c: number; metrics?: boolean; dumpEnv?: boolean }): string {
  return [
    'import json, os',
    'import pandas as pd',
    'from sklearn.linear_model import LogisticRegression',
    'from sklearn.metrics import roc_auc_score',
    'from sklearn.model_selection import train_test_split',
    'from sklearn.pipeline import make_pipeline',
    'from sklearn.preprocessing import StandardScaler',
    'DATA = os.environ.get("CRUCIBLE_DATA_DIR", "/data")',
    ...(opts.dumpEnv ? ['print("ENVIRONMENT", json.dumps(dict(os.environ)))'] : []),
    'train = pd.read_csv(os.path.join(DATA, "train.csv"))',
    'test = pd.read_csv(os.path.join(DATA, "test.csv"))',
    'X, y = train.drop(columns=["id", "target"]), train["target"]',
    'Xtr, Xva, ytr, yva = train_test_split(X, y, test_size=0.25, random_state=0, stratify=y)',
    `model = make_pipeline(StandardScaler(), LogisticRegression(C=${opts.c}, max_iter=1000)).fit(Xtr, ytr)`,
    'auc = roc_auc_score(yva, model.predict_proba(Xva)[:, 1])',
    'pd.DataFrame({"id": test["id"], "target": model.predict_proba(test[X.columns])[:, 1]}).to_csv("submission.csv", index=False)',
    'print(f"validation auc: {auc:.5f}")',
    ...(opts.metrics === false ? [] : ['json.dump({"metric": "auc", "score": auc}, open("metrics.json", "w"))']),
  ].join('\n');
}

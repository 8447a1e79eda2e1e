"""A solution for the MLE-bench environment's smoke test (test/integration/mlebench-environment.test.ts).

Uses the stack MLE-bench solutions use, on random data: LightGBM, XGBoost and CatBoost fits, a timm
and a transformers model's forward pass, librosa and OpenCV features, and a 2-epoch PyTorch training
run, on the GPU when one is visible. Writes submission.csv and metrics.json like any solution.
"""
import json
import time

import catboost
import cv2
import librosa
import lightgbm
import numpy as np
import pandas as pd
import timm
import torch
import transformers
import xgboost

started = time.time()
rng = np.random.default_rng(0)
X = rng.normal(size=(512, 16)).astype(np.float32)
y = (X[:, 0] + X[:, 1] > 0).astype(np.int64)

lightgbm.LGBMClassifier(n_estimators=10, verbose=-1).fit(X, y)
xgboost.XGBClassifier(n_estimators=10).fit(X, y)
catboost.CatBoostClassifier(iterations=10, verbose=False).fit(X, y)

# No network in the sandbox: models are built from their configs, never downloaded.
image_model = timm.create_model("resnet18", pretrained=False, num_classes=2)
image_logits = image_model(torch.randn(2, 3, 64, 64))
text_model = transformers.BertModel(transformers.BertConfig(hidden_size=32, num_hidden_layers=1, num_attention_heads=2, intermediate_size=64))
text_out = text_model(input_ids=torch.randint(0, 100, (2, 8))).last_hidden_state
mfcc = librosa.feature.mfcc(y=rng.normal(size=22050).astype(np.float32), sr=22050, n_mfcc=13)
resized = cv2.resize(rng.integers(0, 255, size=(64, 64, 3), dtype=np.uint8), (32, 32))

device = "cuda" if torch.cuda.is_available() else "cpu"
torch.manual_seed(0)
net = torch.nn.Sequential(torch.nn.Linear(16, 32), torch.nn.ReLU(), torch.nn.Linear(32, 2)).to(device)
optimizer = torch.optim.Adam(net.parameters(), lr=0.01)
features, labels = torch.from_numpy(X).to(device), torch.from_numpy(y).to(device)
for epoch in range(2):
    for batch in range(0, len(features), 64):
        optimizer.zero_grad()
        loss = torch.nn.functional.cross_entropy(net(features[batch:batch + 64]), labels[batch:batch + 64])
        loss.backward()
        optimizer.step()
    accuracy = (net(features).argmax(1) == labels).float().mean().item()
    print(f"epoch {epoch + 1}: loss {loss.item():.4f}, train accuracy {accuracy:.3f} on {device}")

print("versions:", ", ".join(f"{m.__name__} {m.__version__}" for m in [torch, lightgbm, xgboost, catboost, timm, transformers, librosa, cv2]))
print(f"shapes: timm {tuple(image_logits.shape)}, bert {tuple(text_out.shape)}, mfcc {mfcc.shape}, cv2 {resized.shape}")
if device == "cuda":
    print("GPU:", torch.cuda.get_device_name(0))
pd.DataFrame({"id": range(len(y)), "target": net(features).argmax(1).cpu().numpy()}).to_csv("submission.csv", index=False)
json.dump({"metric": "accuracy", "score": accuracy}, open("metrics.json", "w"))
print(f"done in {time.time() - started:.1f} s")

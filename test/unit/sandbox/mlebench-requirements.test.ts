/**
 * sandbox/mlebench-requirements.txt is MLE-bench's agent environment: every pin equals MLE-bench's
 * (a copy of its environment/requirements.txt at 783b15a is the fixture), and each of MLE-bench's
 * packages is either pinned or named on a `# left out:` line with its reason.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../../src/config/paths.js';

const read = (file: string): string => readFileSync(path.join(projectRoot, file), 'utf8');
const PIN = /^([A-Za-z0-9._-]+)==(\S+)$/;

/** name → version of each `name==version` line (comments and blanks skipped); pip compares names case-insensitively. */
function pins(lines: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of lines) {
    const m = PIN.exec(line.trim());
    if (m) out.set(m[1]!.toLowerCase(), m[2]!);
  }
  return out;
}

const ours = read('sandbox/mlebench-requirements.txt').split('\n');
const theirs = pins(read('test/fixtures/mlebench-environment/requirements.txt').split('\n'));
const pinned = pins(ours);
const leftOut = new Map(ours.flatMap((l) => {
  const m = /^# left out: (\S+) \((.+)\)$/.exec(l.trim());
  return m ? [[m[1]!, m[2]!] as const] : [];
}));

describe('sandbox/mlebench-requirements.txt', () => {
  it('pins every package exactly as MLE-bench does', () => {
    expect(pinned.size).toBeGreaterThan(50);
    const differing = [...pinned].filter(([name, version]) => theirs.get(name) !== version).map(([n, v]) => `${n}==${v} (MLE-bench: ${theirs.get(n) ?? 'not listed'})`);
    expect(differing).toEqual([]);
  });

  it('has every line either a comment or a name==version pin', () => {
    expect(ours.filter((l) => l.trim() !== '' && !l.startsWith('#') && !PIN.test(l.trim()))).toEqual([]);
  });

  it("covers MLE-bench's list: each package pinned or left out with a reason, at MLE-bench's version", () => {
    const uncovered = [...theirs].filter(([name, version]) => !pinned.has(name) && !leftOut.has(`${name}==${version}`));
    expect(uncovered).toEqual([]);
    for (const [pin, why] of leftOut) {
      const [name] = pin.split('==');
      expect(theirs.has(name!.toLowerCase()), `${pin} is not in MLE-bench's list`).toBe(true);
      expect(pinned.has(name!.toLowerCase()), `${pin} is both pinned and left out`).toBe(false);
      expect(why.length).toBeGreaterThan(10);
    }
  });

  it('holds the training stack the issue names', () => {
    for (const name of ['numpy', 'pandas', 'scikit-learn', 'scipy', 'lightgbm', 'xgboost', 'catboost', 'torch', 'torchvision', 'torchaudio', 'timm', 'transformers', 'librosa', 'opencv-python', 'pillow', 'scikit-image', 'albumentations', 'pyarrow', 'datasets', 'sentencepiece', 'nltk']) {
      expect(pinned.has(name), name).toBe(true);
    }
  });
});

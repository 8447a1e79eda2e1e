import { describe, expect, it } from 'vitest';
import { accuracy, auc, classAuc, classLogloss, f1, logloss, mae, metricDirection, MetricError, rmse, score, scoreClasses } from '../../../src/tasks/metrics.js';

describe('auc', () => {
  it('is the fraction of positive/negative pairs ordered correctly', () => {
    // Pairs (pos, neg): (0.35,0.1) ok, (0.35,0.4) wrong, (0.8,0.1) ok, (0.8,0.4) ok → 3/4.
    expect(auc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])).toBeCloseTo(0.75, 12);
  });

  it('counts a tied pair as one half', () => {
    // Positives {0.5, 0.9}, negatives {0.5, 0.2}: 0.5 + 1 + 1 + 1 = 3.5 of 4 pairs.
    expect(auc([0, 1, 0, 1], [0.5, 0.5, 0.2, 0.9])).toBeCloseTo(0.875, 12);
    // Ties across several values: positives {2, 2, 3}, negatives {1, 2, 3}.
    // Pairs: 2 vs (1,2,3) = 1 + .5 + 0, twice → 3; 3 vs (1,2,3) = 1 + 1 + .5 = 2.5 → 5.5/9.
    expect(auc([1, 1, 1, 0, 0, 0], [2, 2, 3, 1, 2, 3])).toBeCloseTo(5.5 / 9, 12);
  });

  it('is 0.5 for a constant, 1 for a perfect ranking, 0 for a reversed one', () => {
    expect(auc([0, 1, 1, 0, 1], [0.5, 0.5, 0.5, 0.5, 0.5])).toBe(0.5);
    expect(auc([0, 0, 1, 1], [1, 2, 3, 4])).toBe(1);
    expect(auc([0, 0, 1, 1], [4, 3, 2, 1])).toBe(0);
  });

  it('depends only on the order of the scores', () => {
    const y = [0, 1, 1, 0, 1, 0, 0, 1];
    const s = [0.3, 0.7, 0.2, 0.1, 0.9, 0.4, 0.4, 0.4];
    expect(auc(y, s.map((v) => v * 100 - 7))).toBeCloseTo(auc(y, s), 12);
  });

  it('throws when only one class is present or labels are not 0/1', () => {
    expect(() => auc([1, 1], [0.2, 0.3])).toThrow(/only one class/);
    expect(() => auc([0, 2], [0.2, 0.3])).toThrow(MetricError);
  });
});

describe('logloss', () => {
  it('is the mean negative log-likelihood of class 1 probabilities', () => {
    expect(logloss([1, 0], [0.8, 0.3])).toBeCloseTo(-(Math.log(0.8) + Math.log(0.7)) / 2, 12);
    expect(logloss([1, 0], [0.8, 0.3])).toBeCloseTo(0.2899092476264711, 12);
  });

  it('clips probabilities to [eps, 1-eps] with float64 eps, as scikit-learn does', () => {
    expect(logloss([1], [0])).toBeCloseTo(36.04365338911715, 9);
    expect(logloss([1, 0], [0, 0.3])).toBeCloseTo(18.200164166527944, 9);
    expect(logloss([0], [1.5])).toBeCloseTo(36.04365338911715, 9);
    expect(logloss([1], [1])).toBeLessThan(1e-15);
  });
});

describe('class-probability metrics (one column per class)', () => {
  const y = [0, 2, 1, 2, 0, 1];
  const probs = [[0.7, 0.2, 0.1], [0.1, 0.3, 0.6], [0.2, 0.5, 0.3], [0.3, 0.3, 0.4], [0.2, 0.5, 0.3], [0.5, 0.4, 0.1]];

  it('multi-class logloss agrees with scikit-learn log_loss', () => {
    // sklearn.metrics.log_loss(y, probs, labels=[0, 1, 2]) = 0.8337778540745132.
    expect(classLogloss(y, probs)).toBeCloseTo(0.8337778540745132, 12);
    expect(scoreClasses('logloss', y, probs)).toBe(classLogloss(y, probs));
  });

  it('divides each row by its sum (rows need not sum to 1) after clipping to [eps, 1-eps]', () => {
    expect(classLogloss(y, probs.map((r) => r.map((p) => p * 0.5)))).toBeCloseTo(0.8337778540745132, 12);
    // A certain mistake costs -log(eps), as in scikit-learn: log_loss([1], [[1, 0]], labels=[0, 1]).
    expect(classLogloss([1], [[1, 0]])).toBeCloseTo(36.04365338911715, 9);
  });

  it('macro one-vs-rest auc agrees with scikit-learn roc_auc_score(multi_class="ovr")', () => {
    // Per class 0.6875, 0.8125, 1.0 → 0.8333333333333334.
    expect(classAuc(y, probs)).toBeCloseTo(0.8333333333333334, 12);
    expect(scoreClasses('auc', y, probs)).toBe(classAuc(y, probs));
  });

  it('refuses rows of the wrong width, class indices out of range and non-finite probabilities', () => {
    expect(() => classLogloss([0, 1], [[0.5, 0.5], [1]])).toThrow(/row 2 has 1 probabilities, expected 2/);
    expect(() => classLogloss([3], [[0.5, 0.5]])).toThrow(/true class at row 1 is 3/);
    expect(() => classLogloss([0], [[Number.NaN, 0.5]])).toThrow(MetricError);
    expect(() => classAuc([0, 0], [[0.5, 0.5], [0.4, 0.6]])).toThrow(/class 1 of 2: .*only one class/);
  });
});

describe('regression metrics', () => {
  it('rmse and mae', () => {
    expect(rmse([1, 2, 3], [1, 2, 5])).toBeCloseTo(Math.sqrt(4 / 3), 12);
    expect(mae([1, 2, 3], [1, 2, 5])).toBeCloseTo(2 / 3, 12);
    expect(mae([-1, 4], [1, 1])).toBe(2.5);
    expect(rmse([5], [5])).toBe(0);
  });
});

describe('classification metrics', () => {
  it('accuracy compares labels exactly', () => {
    expect(accuracy([0, 1, 1, 0], [0, 1, 0, 0])).toBe(0.75);
    expect(accuracy([2, 1, 0], [2, 1, 0])).toBe(1);
  });

  it('f1 of the positive class 1', () => {
    // tp 2, fp 1, fn 1 → 2·2 / (2·2 + 1 + 1) = 4/6.
    expect(f1([1, 1, 0, 0, 1], [1, 0, 1, 0, 1])).toBeCloseTo(4 / 6, 12);
    expect(f1([0, 0, 1], [0, 0, 0])).toBe(0);
    // No positives anywhere: scikit-learn's zero_division default gives 0.
    expect(f1([0, 0], [0, 0])).toBe(0);
  });

  it('f1 needs hard 0/1 predictions', () => {
    expect(() => f1([0, 1], [0.2, 0.9])).toThrow(/hard labels/);
  });
});

describe('score', () => {
  it('dispatches by name', () => {
    expect(score('accuracy', [1, 0], [1, 1])).toBe(0.5);
    expect(score('auc', [0, 1], [0.1, 0.9])).toBe(1);
    expect(score('rmse', [0, 0], [3, 4])).toBeCloseTo(Math.sqrt(12.5), 12);
    expect(score('mae', [0, 0], [3, 4])).toBe(3.5);
    expect(score('f1', [1, 0], [1, 0])).toBe(1);
    expect(score('logloss', [1], [0.5])).toBeCloseTo(Math.LN2, 12);
  });

  it('rejects mismatched lengths, empty input and non-finite values', () => {
    expect(() => score('rmse', [1, 2], [1])).toThrow('2 true values but 1 predictions');
    expect(() => score('mae', [], [])).toThrow('no rows');
    expect(() => score('rmse', [1], [NaN])).toThrow(/prediction at row 1/);
    expect(() => score('auc', [0, 1], [0, Infinity])).toThrow(MetricError);
  });

  it('knows each metric direction', () => {
    expect(metricDirection('accuracy')).toBe('maximize');
    expect(metricDirection('auc')).toBe('maximize');
    expect(metricDirection('f1')).toBe('maximize');
    expect(metricDirection('logloss')).toBe('minimize');
    expect(metricDirection('rmse')).toBe('minimize');
    expect(metricDirection('mae')).toBe('minimize');
  });
});

describe('hand-computed values', () => {
  it('accuracy: binary and multi-class', () => {
    // Hits at rows 1, 2, 4 of 5 → 3/5 = 0.6.
    expect(accuracy([1, 0, 1, 1, 0], [1, 0, 0, 1, 1])).toBe(0.6);
    // Three classes coded 0, 1, 2: hits at rows 1, 3, 4, 6 of 6 → 4/6.
    expect(accuracy([0, 1, 2, 2, 1, 0], [0, 2, 2, 2, 0, 0])).toBeCloseTo(4 / 6, 15);
  });

  it('auc: 3 positives × 2 negatives = 6 pairs', () => {
    // Positives {0.9, 0.6, 0.3}, negatives {0.5, 0.1}:
    // 0.9 > 0.5, 0.1 (2); 0.6 > 0.5, 0.1 (2); 0.3 > 0.1 only (1) → 5/6 = 0.833333…
    expect(auc([1, 1, 1, 0, 0], [0.9, 0.6, 0.3, 0.5, 0.1])).toBeCloseTo(5 / 6, 15);
    // Rank form: ranks of 0.1 0.3 0.5 0.6 0.9 are 1..5; positive rank sum 2 + 4 + 5 = 11;
    // (11 − 3·4/2) / (3·2) = 5/6, the same.
  });

  it('logloss: mean of −ln p(true class)', () => {
    // y = 1, p = 0.9 → −ln 0.9 = 0.1053605; y = 0, p = 0.2 → −ln 0.8 = 0.2231436;
    // y = 1, p = 0.6 → −ln 0.6 = 0.5108256. Mean = 0.8393297 / 3 = 0.2797766.
    expect(logloss([1, 0, 1], [0.9, 0.2, 0.6])).toBeCloseTo(0.2797766, 6);
    // p = 0.5 everywhere: −ln 0.5 = ln 2 = 0.6931472 whatever the labels.
    expect(logloss([0, 1, 1, 0], [0.5, 0.5, 0.5, 0.5])).toBeCloseTo(0.6931472, 6);
  });

  it('rmse: sqrt of the mean squared error', () => {
    // Errors 1, −2, 0, 3 → squares 1 + 4 + 0 + 9 = 14; 14/4 = 3.5; sqrt(3.5) = 1.8708287.
    expect(rmse([3, 5, 2, 7], [4, 3, 2, 10])).toBeCloseTo(1.8708287, 6);
    // One error of 3 and one of 4 → sqrt((9 + 16)/2) = sqrt(12.5) = 3.5355339.
    expect(rmse([0, 0], [3, -4])).toBeCloseTo(3.5355339, 6);
  });

  it('mae: mean absolute error', () => {
    // |1| + |−2| + |0| + |3| = 6; 6/4 = 1.5.
    expect(mae([3, 5, 2, 7], [4, 3, 2, 10])).toBe(1.5);
    // |0.5| + |−0.25| = 0.75; 0.75/2 = 0.375.
    expect(mae([1, 2], [1.5, 1.75])).toBe(0.375);
  });

  it('f1: 2·tp / (2·tp + fp + fn)', () => {
    // truth 1 1 1 0 0 0, pred 1 1 0 1 0 0: tp 2 (rows 1, 2), fn 1 (row 3), fp 1 (row 4)
    // → 4 / (4 + 1 + 1) = 0.666667; precision 2/3 = recall 2/3, harmonic mean 2/3.
    expect(f1([1, 1, 1, 0, 0, 0], [1, 1, 0, 1, 0, 0])).toBeCloseTo(2 / 3, 15);
    // tp 1, fp 2, fn 0 → 2 / (2 + 2 + 0) = 0.5; precision 1/3, recall 1: 2·(1/3)/(4/3) = 0.5.
    expect(f1([1, 0, 0, 0], [1, 1, 1, 0])).toBe(0.5);
    // All predicted 0 with a positive present: tp 0 → 0.
    expect(f1([1, 0], [0, 0])).toBe(0);
  });
});

/**
 * How much work one generated solution may do, from the run's remaining seconds. The tiers keep a
 * solution on ~500 rows within a few seconds on a 2-core machine and shrink it when time runs out.
 */
export interface Budget {
  /** Upper bound for ensemble sizes (n_estimators, max_iter). */
  maxEstimators: number;
  /** Largest k for k-fold validation; 1 means holdout only. */
  maxFolds: number;
  /** Whether the quadratic feature expansion is affordable. */
  allowPoly: boolean;
}

export function budgetFor(remainingSeconds: number): Budget {
  if (remainingSeconds < 90) return { maxEstimators: 50, maxFolds: 1, allowPoly: false };
  if (remainingSeconds < 300) return { maxEstimators: 100, maxFolds: 3, allowPoly: true };
  if (remainingSeconds < 1200) return { maxEstimators: 200, maxFolds: 5, allowPoly: true };
  return { maxEstimators: 300, maxFolds: 5, allowPoly: true };
}

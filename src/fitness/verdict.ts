import type { ExecResult } from '../sandbox/types.js';

/** What the fitness function sees of one execution. */
export interface Verdict {
  score: number | null;
  buggy: boolean;
  bugReason: string | null;
  /**
   * The run went well and wrote a valid submission but no metrics.json: an LLM Analyze call may read
   * the score from the output (docs/architecture.md "One step of a run, as data", step 4). Without one the node stays buggy with the reason.
   */
  needsReview: boolean;
}

export interface ExecutionEvidence {
  exec: Pick<ExecResult, 'exitCode' | 'signal' | 'timedOut' | 'oomKilled' | 'cancelled' | 'stderr'>;
  /** Contents of metrics.json, or null when the solution did not write it. */
  metricsJson: string | null;
  /** Result of validating submission.csv against the sample submission; null when it is missing. */
  submission: { valid: true } | { valid: false; reason: string } | null;
  timeoutMs: number;
  /**
   * The workspace's disk: its quota (null: none) and whether it was full once the solution exited.
   * Absent: nothing is known about the disk.
   */
  disk?: { quotaBytes: number | null; full: boolean };
  /** Why an output file was not read (too large), if one was not. */
  tooLarge?: string | null;
}

const NO_SPACE = /No space left on device|\bENOSPC\b|\[Errno 28\]/;

/**
 * Why a failed execution failed, when it ran out of disk: the workspace filesystem was full after the
 * run, or a write failed with ENOSPC (the solution may have removed its partial files since). Null otherwise.
 */
function diskReason(ev: ExecutionEvidence, detail: string | null): string | null {
  const full = ev.disk?.full === true;
  if (!full && !NO_SPACE.test(ev.exec.stderr.text)) return null;
  const quota = ev.disk?.quotaBytes ?? null;
  const why = detail ? ` (${detail})` : '';
  if (quota === null) return `disk full: no space left on device${why}`;
  const mib = Math.round(quota / 1024 ** 2);
  return full
    ? `disk quota exceeded: the workspace is limited to ${mib} MiB and the solution filled it; write less to the working directory${why}`
    : `disk quota exceeded: the workspace is limited to ${mib} MiB and a write failed with "No space left on device"${why}`;
}

/** Last line of a Python traceback ("ValueError: ..."), the most useful one-line bug reason. */
function lastErrorLine(stderr: string): string | null {
  const lines = stderr.trim().split('\n').map((l) => l.trim()).filter(Boolean);
  const err = [...lines].reverse().find((l) => /^[A-Za-z_.]*(Error|Exception|Interrupt|Exit)\b/.test(l));
  return (err ?? lines.at(-1) ?? null)?.slice(0, 300) ?? null;
}

/**
 * The fitness decision of docs/architecture.md "One step of a run, as data", step 4: the score comes from the structured metrics.json; any
 * failure (exit code, timeout, missing or invalid files) makes the node buggy, with a reason that
 * Debug can act on. The first failure found is the reason.
 */
export function judgeExecution(ev: ExecutionEvidence): Verdict {
  const bug = (reason: string, needsReview = false): Verdict => ({ score: null, buggy: true, bugReason: reason, needsReview });
  const { exec } = ev;
  if (exec.cancelled) return bug('execution cancelled: the run budget ran out while it was running');
  if (exec.timedOut) return bug(`timeout: execution exceeded its limit of ${Math.round(ev.timeoutMs / 1000)} s`);
  if (exec.oomKilled) return bug('out of memory: the solution was killed at its memory limit');
  const verdict = judgeOutputs(ev);
  if (!verdict.buggy) return verdict;
  // Whatever the symptom (an exit code, missing files), a full disk is the cause to report.
  const disk = diskReason(ev, lastErrorLine(exec.stderr.text));
  return disk === null ? verdict : bug(disk);
}

/** The judgement of a run that was neither cancelled, timed out nor OOM killed. */
function judgeOutputs(ev: ExecutionEvidence): Verdict {
  const bug = (reason: string, needsReview = false): Verdict => ({ score: null, buggy: true, bugReason: reason, needsReview });
  const { exec } = ev;
  if (ev.tooLarge) return bug(ev.tooLarge);
  if (exec.exitCode !== 0) {
    const detail = lastErrorLine(exec.stderr.text) ?? (exec.signal ? `killed by ${exec.signal}` : 'no output');
    return bug(`exit code ${exec.exitCode ?? exec.signal}: ${detail}`);
  }
  if (ev.metricsJson === null) {
    return bug('metrics.json missing: the solution must write {"metric": ..., "score": ...} to metrics.json', ev.submission?.valid === true);
  }
  let score: unknown;
  try {
    score = (JSON.parse(ev.metricsJson) as { score?: unknown }).score;
  } catch {
    return bug('metrics.json is not valid JSON');
  }
  if (typeof score !== 'number' || !Number.isFinite(score)) {
    return bug(`metrics.json: "score" must be a finite number, got ${JSON.stringify(score)}`);
  }
  if (ev.submission === null) return bug('submission.csv missing: the solution must write submission.csv to its working directory');
  if (!ev.submission.valid) return bug(`invalid submission: ${ev.submission.reason}`);
  return { score, buggy: false, bugReason: null, needsReview: false };
}

/**
 * The verdict once an LLM Analyze call has read an execution that wrote no metrics.json: the metric it
 * found becomes the score; a bug it saw, or no metric at all, keeps the node buggy with its summary.
 */
export function applyReview(verdict: Verdict, review: { isBug: boolean; summary: string; metric: number | null }): Verdict {
  if (!verdict.needsReview) return verdict;
  if (!review.isBug && review.metric !== null) return { score: review.metric, buggy: false, bugReason: null, needsReview: false };
  const why = review.isBug ? `Analyze found a bug: ${review.summary || 'no summary'}` : 'Analyze found no validation metric in the output';
  return { ...verdict, bugReason: `${verdict.bugReason}; ${why}`.slice(0, 600), needsReview: false };
}

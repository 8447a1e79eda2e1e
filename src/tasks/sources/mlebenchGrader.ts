/**
 * mlebench's own graders, in a long-lived Python process (mlebench_grader_server.py) per Python
 * executable: started on the first request, fed JSON lines one request at a time in order,
 * restarted once when it dies during a request, killed when this Node process exits. It never holds
 * Node open: the child and its pipes are referenced only while a request is in flight. Workers close
 * it on shutdown (closeMlebenchGraders).
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { projectRoot } from '../../config/paths.js';
import { TaskError } from '../errors.js';
import type { TaskSpec } from '../types.js';
import { defaultPython } from './mlebenchRegistry.js';

const SERVER_SCRIPT = path.join(projectRoot, 'src', 'tasks', 'sources', 'mlebench_grader_server.py');

export interface MlebenchGraderOptions {
  /** Python executable; default defaultPython(). */
  python?: string;
  /** The server script; default mlebench_grader_server.py (tests pass a test double of its protocol). */
  script?: string;
  /** Longest a single grade may take before the process is killed; default 10 minutes. */
  timeoutMs?: number;
}

/** A score as mlebench's server writes it: a number, or "NaN" / "Infinity" / "-Infinity". */
const scoreSchema = z.union([z.number(), z.enum(['NaN', 'Infinity', '-Infinity']).transform(Number)]);
const helloSchema = z.union([z.object({ ready: z.literal(true) }), z.object({ ready: z.literal(false), why: z.string() })]);
const answerSchema = z.union([
  z.object({ valid: z.literal(true), score: scoreSchema, reported: scoreSchema }),
  z.object({ valid: z.literal(false), reason: z.string() }),
  z.object({ ok: z.literal(true) }),
  z.object({ unavailable: z.string() }),
  z.object({ error: z.string() }),
]);
type Answer = z.infer<typeof answerSchema>;

/** What mlebench's grade function made of a submission: `reported` is round(score, 5) as mlebench reports it. */
export type MlebenchVerdict = { valid: true; score: number; reported: number } | { valid: false; reason: string };

export type MlebenchGradeResult = { available: true; verdict: MlebenchVerdict } | { available: false; why: string };

/** The process died (or hung) while serving a request. */
class ProcessDied extends Error {}

const STDERR_KEPT = 4000;

/** One grading process and the requests queued for it. */
export class MlebenchGraderProcess {
  private child: ChildProcessWithoutNullStreams | null = null;
  /** Why this Python cannot grade at all (no Python, no mlebench); fixed once known. */
  private unavailable: string | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private onLine: ((line: string) => void) | null = null;
  private onDeath: ((err: ProcessDied) => void) | null = null;
  private stderrTail = '';
  /** How many processes were started (tests watch the restart). */
  starts = 0;

  constructor(readonly python: string, readonly script: string, readonly timeoutMs: number) {}

  /** Sends one request when every earlier one has been answered; `unavailable` when this Python cannot grade at all. */
  request(message: Record<string, unknown>): Promise<Answer> {
    const next = this.queue.then(() => this.serve(message));
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Ends the process (if any) and waits for it to exit. */
  async close(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (child === null || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.stdin.end();
    const killer = setTimeout(() => child.kill('SIGKILL'), 2000);
    await exited;
    clearTimeout(killer);
  }

  /** Kills the process at once (Node is exiting). */
  kill(): void {
    this.child?.kill('SIGKILL');
    this.child = null;
  }

  private async serve(message: Record<string, unknown>): Promise<Answer> {
    for (let attempt = 1; ; attempt++) {
      if (this.unavailable !== null) return { unavailable: this.unavailable };
      try {
        if (this.child === null && !(await this.start())) return { unavailable: this.unavailable! };
        return await this.exchange(message);
      } catch (err) {
        if (!(err instanceof ProcessDied)) throw err;
        this.kill();
        if (attempt >= 2) {
          throw new TaskError(`the mlebench grading process (${this.python} ${this.script}) died twice on one request: ${err.message}`);
        }
      }
    }
  }

  /** Starts the process and waits for its greeting; false (and `unavailable` set) when it cannot grade. */
  private async start(): Promise<boolean> {
    this.starts++;
    this.stderrTail = '';
    const child = spawn(this.python, [this.script], { stdio: ['pipe', 'pipe', 'pipe'], env: process.env });
    this.child = child;
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      this.stderrTail = (this.stderrTail + chunk).slice(-STDERR_KEPT);
    });
    createInterface({ input: child.stdout }).on('line', (line) => this.onLine?.(line));
    const died = (why: string) => {
      if (this.child === child) this.child = null;
      this.onDeath?.(new ProcessDied(why));
    };
    child.on('error', (err: NodeJS.ErrnoException) => died(err.code === 'ENOENT' ? `no Python at ${this.python}` : err.message));
    child.on('exit', (code, signal) => died(`exited (${signal ?? `code ${String(code)}`})${this.stderrTail.trim() ? `: ${lastLines(this.stderrTail)}` : ''}`));
    // A failed write (the process died) surfaces as its exit.
    child.stdin.on('error', () => {});
    try {
      const hello = helloSchema.safeParse(parseJson(await this.nextLine(this.timeoutMs)));
      if (!hello.success) throw new TaskError(`${this.python} ${this.script}: unexpected greeting`);
      if (!hello.data.ready) {
        this.unavailable = `${this.python} ${hello.data.why}`;
        this.kill();
        return false;
      }
    } catch (err) {
      if (!(err instanceof ProcessDied)) throw err;
      this.unavailable = err.message.startsWith('no Python') ? err.message : `${this.python} cannot run the grading process: ${err.message}`;
      this.kill();
      return false;
    }
    this.idle(child);
    return true;
  }

  private async exchange(message: Record<string, unknown>): Promise<Answer> {
    const child = this.child!;
    this.busy(child);
    try {
      child.stdin.write(JSON.stringify(message) + '\n');
      const line = await this.nextLine(this.timeoutMs);
      const parsed = answerSchema.safeParse(parseJson(line));
      if (!parsed.success) throw new TaskError(`${this.python} ${this.script}: unexpected answer ${JSON.stringify(line.slice(0, 200))}`);
      return parsed.data;
    } finally {
      if (this.child === child) this.idle(child);
    }
  }

  /** The next stdout line; ProcessDied when the process exits or does not answer in time (it is then killed). */
  private nextLine(timeoutMs: number): Promise<string> {
    return new Promise<string>((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        this.onLine = null;
        this.onDeath = null;
      };
      const timer = setTimeout(() => {
        done();
        this.kill();
        reject(new ProcessDied(`no answer within ${Math.round(timeoutMs / 1000)} s`));
      }, timeoutMs);
      this.onLine = (line) => {
        done();
        resolve(line);
      };
      this.onDeath = (err) => {
        done();
        reject(err);
      };
      // The process may have died before anyone listened.
      if (this.child === null) this.onDeath(new ProcessDied('exited'));
    });
  }

  /** While a request is in flight the process keeps Node alive, so that an awaited grade finishes. */
  private busy(child: ChildProcessWithoutNullStreams): void {
    child.ref();
    for (const s of [child.stdin, child.stdout, child.stderr]) (s as unknown as { ref?: () => void }).ref?.();
  }

  private idle(child: ChildProcessWithoutNullStreams): void {
    child.unref();
    for (const s of [child.stdin, child.stdout, child.stderr]) (s as unknown as { unref?: () => void }).unref?.();
  }
}

function lastLines(text: string, n = 5): string {
  return text.trim().split('\n').slice(-n).join(' | ');
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const processes = new Map<string, MlebenchGraderProcess>();
let killOnExit = false;

/** The grading process of `python` (and script), created on first use. */
export function mlebenchGraderProcess(options: MlebenchGraderOptions = {}): MlebenchGraderProcess {
  const python = options.python ?? defaultPython();
  const script = options.script ?? SERVER_SCRIPT;
  const key = JSON.stringify([python, script]);
  let p = processes.get(key);
  if (p === undefined) {
    if (!killOnExit) process.once('exit', () => processes.forEach((q) => q.kill()));
    killOnExit = true;
    p = new MlebenchGraderProcess(python, script, options.timeoutMs ?? 600_000);
    processes.set(key, p);
  }
  return p;
}

/** Ends every grading process (a worker shutting down). */
export async function closeMlebenchGraders(): Promise<void> {
  const all = [...processes.values()];
  processes.clear();
  await Promise.all(all.map((p) => p.close()));
}

function competitionRequest(task: TaskSpec): Record<string, unknown> {
  const src = task.mlebench;
  if (src === undefined) throw new TaskError(`task ${task.id} is not an MLE-bench competition`);
  return {
    competition_id: src.competitionId,
    data_dir: src.dataDir,
    config: path.join(src.registryDir, 'config.yaml'),
  };
}

/** Whether mlebench (in the named Python) can grade the task's competition; starts the process if needed. */
export async function mlebenchCanGrade(task: TaskSpec, options: MlebenchGraderOptions = {}): Promise<{ available: true } | { available: false; why: string }> {
  const answer = await mlebenchGraderProcess(options).request({ op: 'probe', ...competitionRequest(task) });
  if ('unavailable' in answer) return { available: false, why: answer.unavailable };
  if ('ok' in answer) return { available: true };
  throw unexpected(task, answer);
}

/**
 * Grades a submission with the competition's own mlebench grader. `available: false` when this
 * Python cannot (no Python, no mlebench, a competition its registry lacks); a fault of the
 * competition's files (answers missing) is a TaskError.
 */
export async function gradeWithMlebench(task: TaskSpec, submissionCsvText: string, options: MlebenchGraderOptions = {}): Promise<MlebenchGradeResult> {
  const request = competitionRequest(task);
  const tmp = await mkdtemp(path.join(tmpdir(), 'crucible-mlebench-'));
  try {
    const submission = path.join(tmp, 'submission.csv');
    await writeFile(submission, submissionCsvText);
    const answer = await mlebenchGraderProcess(options).request({ op: 'grade', ...request, submission });
    if ('unavailable' in answer) return { available: false, why: answer.unavailable };
    if ('valid' in answer) return { available: true, verdict: answer };
    throw unexpected(task, answer);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

function unexpected(task: TaskSpec, answer: Answer): TaskError {
  const id = task.mlebench!.competitionId;
  return new TaskError('error' in answer ? `mlebench grader for ${id}: ${answer.error}` : `mlebench grader for ${id}: unexpected answer ${JSON.stringify(answer)}`);
}

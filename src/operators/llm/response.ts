/**
 * What is usable of a model's reply: reasoning stripped, the plan (the text before the first code
 * fence) and the Python code (the fenced Python blocks that compile, joined). A reply with no usable
 * code is re-asked, with the reason appended as a user turn, up to `maxReasks` times.
 *
 * A reply still unusable after the re-asks does not throw: it becomes an ordinary OperatorResult whose
 * plan says what went wrong and whose code only raises SystemExit with the reason (unusableResult).
 * Executing it exits 1 with that message on stderr, so fitness marks the node buggy with the reason,
 * Debug sees it, and the run goes on; `usage.replyError` carries the reason for callers that would
 * rather not execute it at all.
 */
import { spawn } from 'node:child_process';
import { pythonPath } from '../../config/paths.js';

/** Null when the code compiles, else a one-line error ("SyntaxError: … (line 3): …"). */
export type SyntaxChecker = (code: string) => Promise<string | null>;

/** Removes <think>…</think> (and <thinking>, <reasoning>) sections; an unclosed one runs to the end. */
export function stripReasoning(text: string): string {
  let out = text.replace(/<(think|thinking|reasoning)>[\s\S]*?<\/\1>/gi, '');
  // Servers whose chat template opens the tag send only its end: drop everything before it.
  const orphanClose = out.search(/<\/(think|thinking|reasoning)>/i);
  if (orphanClose >= 0) out = out.slice(out.indexOf('>', orphanClose) + 1);
  out = out.replace(/<(think|thinking|reasoning)>[\s\S]*$/i, '');
  return out.trim();
}

export interface CodeBlock {
  language: string;
  code: string;
  /** The reply ended before the block's closing fence (cut off at the token limit). */
  truncated: boolean;
}

const OPEN = /^\s*(`{3,}|~{3,})\s*([\w+.-]*)[^\n`]*$/;
const PYTHON = new Set(['', 'python', 'py', 'python3', 'py3']);

/** The fenced blocks of a reply, in order, and the text before the first fence. */
export function splitReply(text: string): { plan: string; blocks: CodeBlock[] } {
  const lines = text.split('\n');
  const blocks: CodeBlock[] = [];
  let firstFence = -1;
  for (let i = 0; i < lines.length; i++) {
    const open = OPEN.exec(lines[i] ?? '');
    if (!open) continue;
    if (firstFence < 0) firstFence = i;
    const fence = open[1] ?? '```';
    const close = new RegExp(`^\\s*${fence[0] === '`' ? '`' : '~'}{${fence.length},}\\s*$`);
    let j = i + 1;
    while (j < lines.length && !close.test(lines[j] ?? '')) j++;
    blocks.push({ language: (open[2] ?? '').toLowerCase(), code: lines.slice(i + 1, j).join('\n').trim(), truncated: j >= lines.length });
    i = j;
  }
  const plan = (firstFence < 0 ? text : lines.slice(0, firstFence).join('\n')).trim();
  return { plan, blocks };
}

export type Extraction =
  | { ok: true; plan: string; code: string }
  | { ok: false; plan: string; error: string };

/** The plan and the compiling Python blocks of a reply (reasoning already stripped or not). */
export async function extractPlanAndCode(reply: string | null | undefined, checkSyntax: SyntaxChecker): Promise<Extraction> {
  const text = stripReasoning(reply ?? '');
  if (text === '') return { ok: false, plan: '', error: 'the reply was empty' };
  const { plan, blocks } = splitReply(text);
  const python = blocks.filter((b) => PYTHON.has(b.language) && b.code !== '');
  if (python.length === 0) return { ok: false, plan, error: 'the reply has no ```python code block' };
  const valid: string[] = [];
  let firstError: string | null = null;
  for (const block of python) {
    const error = await checkSyntax(block.code);
    if (error === null) valid.push(block.code);
    else firstError ??= block.truncated ? `the reply was cut off inside the code block (${error})` : error;
  }
  if (valid.length === 0) return { ok: false, plan, error: `the code does not compile: ${firstError ?? 'unknown error'}` };
  return { ok: true, plan, code: `${valid.join('\n\n')}\n` };
}

/** The user turn that re-asks after an unusable reply. */
export function reaskMessage(error: string): string {
  return `Your reply could not be used: ${error}.\nReply again with the plan, then the complete solution as a single \`\`\`python code block that compiles.`;
}

/** An OperatorResult's plan and code for a reply that stayed unusable: running it fails with the reason. */
export function unusableResult(reason: string, attempts: number): { plan: string; code: string } {
  const message = `crucible: no usable code from the model after ${attempts} ${attempts === 1 ? 'reply' : 'replies'}: ${reason}`;
  return {
    plan: `The model's reply could not be used (${attempts} ${attempts === 1 ? 'attempt' : 'attempts'}): ${reason}. This node only reports the failure.`,
    // A JSON string literal is a valid Python string literal.
    code: `raise SystemExit(${JSON.stringify(message)})\n`,
  };
}

const CHECK = [
  'import sys',
  'src = sys.stdin.read()',
  'try:',
  '    compile(src, "solution.py", "exec")',
  'except SyntaxError as e:',
  '    text = (e.text or "").strip()',
  '    print(f"{type(e).__name__}: {e.msg} (line {e.lineno})" + (f": {text[:120]}" if text else ""))',
  '    sys.exit(1)',
  'except Exception as e:',
  '    print(f"{type(e).__name__}: {e}"[:300])',
  '    sys.exit(1)',
].join('\n');

/**
 * The default checker: compiles the code with the sandbox's Python (pythonPath(), or `python`), in a
 * child process with no shell. When that Python cannot be started the code counts as unchecked (null):
 * executing it will report the same errors.
 */
export function pythonSyntaxChecker(python: string = pythonPath(), timeoutMs = 15_000): SyntaxChecker {
  return (code) => new Promise((resolve) => {
    const child = spawn(python, ['-c', CHECK], { stdio: ['pipe', 'pipe', 'pipe'], timeout: timeoutMs });
    let out = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { out += d.toString(); });
    child.on('error', () => resolve(null));
    child.stdin.on('error', () => undefined);
    child.on('close', (status) => resolve(status === 0 ? null : (out.trim().split('\n').at(-1) ?? `syntax check failed (exit ${status})`)));
    child.stdin.end(code);
  });
}

export interface Turn {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export type CodeOutcome =
  | { ok: true; plan: string; code: string; attempts: number }
  | { ok: false; plan: string; code: string; attempts: number; error: string };

/**
 * The ask/extract/re-ask loop. `ask` sends the conversation and returns the reply's text (null when
 * there was none); after each unusable reply the reply and a re-ask naming the error are appended.
 */
export async function askForCode(
  ask: (messages: Turn[], attempt: number) => Promise<string | null>,
  prompt: Turn[],
  checkSyntax: SyntaxChecker,
  maxReasks: number,
): Promise<CodeOutcome> {
  const messages = [...prompt];
  let error = 'no reply';
  for (let attempt = 0; attempt <= maxReasks; attempt++) {
    const reply = await ask([...messages], attempt);
    const extracted = await extractPlanAndCode(reply, checkSyntax);
    if (extracted.ok) return { ok: true, plan: extracted.plan, code: extracted.code, attempts: attempt + 1 };
    error = extracted.error;
    messages.push({ role: 'assistant', content: reply ?? '' }, { role: 'user', content: reaskMessage(error) });
  }
  const attempts = maxReasks + 1;
  return { ok: false, ...unusableResult(error, attempts), attempts, error };
}

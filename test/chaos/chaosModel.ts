/**
 * A TEST DOUBLE: the "model" behind the chaos drills' fake OpenAI-compatible endpoint. It fails at
 * the HTTP level on a fixed schedule (429 with Retry-After, 500, a hung request, a 200 whose body is
 * not JSON, a reply without code) and otherwise answers with a solution: a good training script, or
 * one that misbehaves in the sandbox (hangs, allocates without bound, fork-bombs, floods its output,
 * writes outside its workspace, fills its disk). Each solution's plan names its fault, so the test can
 * check how every node of that kind ended.
 */
import { completion, toolCompletion, type RecordedRequest, type ScriptedReply } from '../helpers/fakeOpenAiServer.js';
import { solution } from '../helpers/solutions.js';

export type Fault = 'hang' | 'oom' | 'fork-bomb' | 'flood' | 'write-outside' | 'disk-fill';

/** What the node of each fault must look like: buggy or not, and its bug reason. */
export const EXPECTED: Record<Fault, { buggy: boolean; reason?: RegExp }> = {
  hang: { buggy: true, reason: /time/i },
  oom: { buggy: true, reason: /memory|oom/i },
  'fork-bomb': { buggy: true },
  // The output is capped while streaming; the script then trains as usual.
  flood: { buggy: false },
  // Every write outside /workdir and /tmp fails; the script reports that and trains as usual.
  'write-outside': { buggy: false },
  'disk-fill': { buggy: true, reason: /disk quota exceeded/i },
};

/** Paths a solution tries to write outside its workspace; none may exist anywhere afterwards. */
export const OUTSIDE_MARKER = 'chaos-escaped';

const FAULT_CODE: Record<Fault, string> = {
  hang: 'import time\nprint("sleeping forever", flush=True)\ntime.sleep(3600)',
  oom: 'blocks = []\nwhile True:\n    blocks.append(b"x" * (64 << 20))',
  'fork-bomb': [
    'import os, sys, time',
    'root = os.getpid()',
    'end = time.time() + 2',
    'while time.time() < end:',
    '    try:',
    '        os.fork()',
    '    except OSError:',
    '        time.sleep(0.01)',
    'if os.getpid() != root:',
    '    os._exit(0)',
    'sys.exit("the fork bomb is over")',
  ].join('\n'),
  flood: `import sys\nline = "x" * 1023 + "\\n"\nfor _ in range(40 * 1024):\n    sys.stdout.write(line)\n${solution({ c: 1 })}`,
  'write-outside': [
    'import os',
    `for target in ["/data/${OUTSIDE_MARKER}", "/etc/${OUTSIDE_MARKER}", "/${OUTSIDE_MARKER}", "/workdir/../${OUTSIDE_MARKER}",`,
    `               "/usr/lib/${OUTSIDE_MARKER}", os.path.expanduser("~/../${OUTSIDE_MARKER}")]:`,
    '    try:',
    '        open(target, "w").write("escaped")',
    '        print("WROTE", target)',
    '    except OSError as err:',
    '        print("refused", target, err.strerror)',
    solution({ c: 3 }),
  ].join('\n'),
  'disk-fill': [
    'chunk = b"\\0" * (1 << 20)',
    'with open("fill.bin", "wb") as f:',
    '    for _ in range(1 << 14):  # at most 16 GiB; the quota stops it long before',
    '        f.write(chunk)',
    '        f.flush()',
  ].join('\n'),
};

export interface ChaosModelOptions {
  /** The faults to cycle through, one after every good solution. */
  faults: readonly Fault[];
  /** Milliseconds a hung request is held; above the client's request timeout. */
  hangMs: number;
}

export interface ChaosModelStats {
  requests: number;
  httpFaults: Record<'429' | '500' | 'hang' | 'garbage' | 'no-code', number>;
  solutions: Record<Fault | 'good', number>;
}

const reply = (plan: string, code: string): ScriptedReply => ({ body: completion(`${plan}\n\n\`\`\`python\n${code}\n\`\`\`\n`) });

/** The fallback of a fake server: a deterministic schedule over the order in which requests arrive. */
export function chaosModel(o: ChaosModelOptions): { answer: (req: RecordedRequest) => ScriptedReply; stats: ChaosModelStats } {
  const stats: ChaosModelStats = {
    requests: 0,
    httpFaults: { '429': 0, '500': 0, hang: 0, garbage: 0, 'no-code': 0 },
    solutions: { good: 0, hang: 0, oom: 0, 'fork-bomb': 0, flood: 0, 'write-outside': 0, 'disk-fill': 0 },
  };
  let solutions = 0;
  const answer = (req: RecordedRequest): ScriptedReply => {
    const n = stats.requests++;
    // Analyze (function calling): a clean review; the good scripts write metrics.json anyway.
    if (Array.isArray(req.body.tools)) return { body: toolCompletion(JSON.stringify({ is_bug: false, summary: 'trained', metric: 0.95 })) };
    switch (n % 10) {
      case 1: stats.httpFaults['429']++; return { status: 429, headers: { 'retry-after': '1' }, body: { error: { message: 'rate limited', type: 'rate_limit' } } };
      case 3: stats.httpFaults['500']++; return { status: 500, body: { error: { message: 'overloaded', type: 'server_error' } } };
      case 5: stats.httpFaults.hang++; return { delayMs: o.hangMs, body: completion('too late') };
      case 7: stats.httpFaults.garbage++; return { status: 200, headers: { 'content-type': 'application/json' }, rawBody: '<html>502 Bad Gateway</html>' };
      case 8: stats.httpFaults['no-code']++; return { body: completion('I would rather not write code today.') };
    }
    const k = solutions++;
    if (k % 2 === 0 || o.faults.length === 0) {
      stats.solutions.good++;
      return reply(`Logistic regression with C=${(k % 5) + 1}.`, solution({ c: (k % 5) + 1 }));
    }
    const fault = o.faults[((k - 1) / 2) % o.faults.length]!;
    stats.solutions[fault]++;
    return reply(`chaos fault: ${fault}.`, FAULT_CODE[fault]);
  };
  return { answer, stats };
}

/** The fault a node's plan names, if any. */
export function faultOf(plan: string): Fault | null {
  const m = /^chaos fault: ([a-z-]+)\./.exec(plan);
  return m ? (m[1] as Fault) : null;
}

import { describe, expect, it } from 'vitest';
import {
  askForCode, extractPlanAndCode, pythonSyntaxChecker, splitReply, stripReasoning, unusableResult, type Turn,
} from '../../../src/operators/llm/response.js';
import { PYTHON } from './fixtures.js';

const check = pythonSyntaxChecker(PYTHON);

describe('reply extraction', () => {
  it('strips reasoning sections, closed, orphan-closed and unclosed', () => {
    expect(stripReasoning('<think>secret ```python\nx=\n```</think>Plan.')).toBe('Plan.');
    expect(stripReasoning('reasoning without an opening tag</think>\nPlan.')).toBe('Plan.');
    expect(stripReasoning('Plan.<thinking>cut off')).toBe('Plan.');
  });

  it('takes the plan before the first fence and joins every compiling Python block', async () => {
    const reply = '<think>hmm</think>\nUse a random forest.\nThen predict.\n```python\nimport os\n```\nand\n```py\nprint(1)\n```\n```bash\npip install x\n```';
    const result = await extractPlanAndCode(reply, check);
    expect(result).toEqual({ ok: true, plan: 'Use a random forest.\nThen predict.', code: 'import os\n\nprint(1)\n' });
  });

  it('keeps the compiling blocks and drops the broken one', async () => {
    const result = await extractPlanAndCode('p\n```python\ndef f(:\n```\n```python\nx = 1\n```', check);
    expect(result).toMatchObject({ ok: true, code: 'x = 1\n' });
  });

  it('reports an empty reply, no block, invalid Python, and a cut-off block', async () => {
    expect(await extractPlanAndCode('', check)).toMatchObject({ ok: false, error: 'the reply was empty' });
    expect(await extractPlanAndCode('<think>only thoughts</think>', check)).toMatchObject({ ok: false, error: 'the reply was empty' });
    expect(await extractPlanAndCode('Just prose.', check)).toMatchObject({ ok: false, plan: 'Just prose.', error: 'the reply has no ```python code block' });
    const bad = await extractPlanAndCode('p\n```python\nfor x in range(3)\n    print(x)\n```', check);
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.error).toMatch(/^the code does not compile: SyntaxError: .*\(line 1\)/);
    const cut = await extractPlanAndCode('p\n```python\nprint("a"\nx = [1,', check);
    expect(!cut.ok && cut.error).toMatch(/cut off inside the code block/);
  });

  it('splits tilde fences and blocks without a language', () => {
    expect(splitReply('plan\n~~~\na = 1\n~~~\n').blocks).toEqual([{ language: '', code: 'a = 1', truncated: false }]);
  });

  it('the default checker compiles with Python and treats a missing interpreter as unchecked', async () => {
    expect(await check('x = 1\n')).toBeNull();
    expect(await check('return 1\n')).toMatch(/SyntaxError: 'return' outside function/);
    expect(await pythonSyntaxChecker('/nonexistent/python')('def (')).toBeNull();
  });

  it('an unusable result is Python that exits with the reason', async () => {
    const { plan, code } = unusableResult('the reply has no "code" block\nat all', 4);
    expect(plan).toMatch(/could not be used \(4 attempts\)/);
    expect(await check(code)).toBeNull();
    expect(code).toMatch(/^raise SystemExit\(/);
  });
});

describe('re-ask loop', () => {
  it('re-asks with the error as a user turn after the unusable reply, then succeeds', async () => {
    const seen: Turn[][] = [];
    const replies = ['no code here', 'p\n```python\nx = (\n```', 'Plan B\n```python\nx = 1\n```'];
    const outcome = await askForCode(async (messages) => {
      seen.push(messages);
      return replies.shift() ?? null;
    }, [{ role: 'user', content: 'PROMPT' }], check, 3);
    expect(outcome).toEqual({ ok: true, plan: 'Plan B', code: 'x = 1\n', attempts: 3 });
    expect(seen.map((m) => m.length)).toEqual([1, 3, 5]);
    expect(seen[1]?.[1]).toEqual({ role: 'assistant', content: 'no code here' });
    expect(seen[1]?.[2]?.role).toBe('user');
    expect(seen[1]?.[2]?.content).toContain('no ```python code block');
    expect(seen[2]?.[4]?.content).toContain('SyntaxError');
  });

  it('gives up after the re-asks with a failure result', async () => {
    let calls = 0;
    const outcome = await askForCode(async () => { calls++; return null; }, [{ role: 'user', content: 'P' }], check, 3);
    expect(calls).toBe(4);
    expect(outcome).toMatchObject({ ok: false, attempts: 4, error: 'the reply was empty' });
    expect(outcome.code).toContain('SystemExit');
  });
});

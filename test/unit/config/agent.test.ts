import { memoryScope } from '../../../src/operators/memory.js';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PRESET_NAMES, resolveAgent, resolvePreset } from '../../../src/config/agent.js';

async function agentFile(name: string, text: string): Promise<string> {
  const file = path.join(await mkdtemp(path.join(os.tmpdir(), 'agent-')), name);
  await writeFile(file, text);
  return file;
}

describe('agent presets', () => {
  it('reproduce the paper agents with the released defaults', () => {
    expect(PRESET_NAMES).toEqual(['aide-greedy', 'aira-greedy', 'aira-mcts', 'aira-evo']);
    expect(resolvePreset('aide-greedy').policy).toEqual({ kind: 'greedy', numDrafts: 5, debugProb: 0.5, maxDebugDepth: 3, improvePatience: 5 });
    expect(resolvePreset('aide-greedy').operators.style).toBe('aide');
    expect(resolvePreset('aira-greedy').policy).toEqual({ kind: 'greedy', numDrafts: 5, debugProb: 1, maxDebugDepth: 20, improvePatience: 5 });
    expect(resolvePreset('aira-mcts').policy).toEqual({ kind: 'mcts', uctC: 0.25, numChildren: 5, maxDebugDepth: 20, improvePatience: 5 });
    expect(resolvePreset('aira-evo').policy).toEqual({
      kind: 'evolutionary', numDrafts: 5, individualsPerGeneration: 5, crossoverProb: 0.5, crossoverFromGeneration: 2,
      temperature: 1, maxPopulation: 500, maxDebugDepth: 10, improvePatience: 5,
    });
    for (const name of PRESET_NAMES) {
      const a = resolvePreset(name);
      expect(a.parallelism).toBe(1);
      expect(a.operators.memory).toEqual({ draft: 'global', debug: 'ancestors', crossover: 'none' });
      expect(memoryScope(a.operators, 'improve')).toBe('siblings');
      expect(memoryScope({ ...a.operators, backend: 'llm' }, 'improve')).toBe('global');
      expect(memoryScope({ ...a.operators, memory: { ...a.operators.memory, improve: 'none' } }, 'improve')).toBe('none');
    }
  });

  it('name the choices when the preset is unknown', () => {
    expect(() => resolvePreset('nope')).toThrow(/unknown agent preset "nope": choose one of aide-greedy, aira-greedy, aira-mcts, aira-evo/);
  });

  it('hand out copies, so a run cannot change a preset', () => {
    resolvePreset('aira-greedy').operators.allowed.pop();
    expect(resolvePreset('aira-greedy').operators.allowed).toEqual(['draft', 'improve', 'debug', 'crossover']);
  });
});

describe('agent files', () => {
  it('a YAML file can pair any policy with any operator set', async () => {
    const file = await agentFile('mcts-wide.yaml', 'policy:\n  kind: mcts\n  uctC: 1.0\noperators:\n  style: aide\n  memory:\n    improve: siblings\nparallelism: 4\n');
    const a = await resolveAgent(file);
    expect(a.name).toBe('mcts-wide');
    expect(a.policy).toEqual({ kind: 'mcts', uctC: 1, numChildren: 5, maxDebugDepth: 20, improvePatience: 5 });
    expect(a.operators.style).toBe('aide');
    expect(a.operators.memory.improve).toBe('siblings');
    expect(a.operators.memory.debug).toBe('ancestors');
    expect(a.parallelism).toBe(4);
  });

  it('`extends` starts from a preset; a policy of another kind replaces it whole', async () => {
    const same = await resolveAgent(await agentFile('a.json', JSON.stringify({ extends: 'aira-evo', name: 'evo-hot', policy: { temperature: 3 } })));
    expect(same.policy).toMatchObject({ kind: 'evolutionary', temperature: 3, crossoverProb: 0.5 });
    const other = await resolveAgent(await agentFile('b.yaml', 'extends: aide-greedy\nname: aide-mcts\npolicy: {kind: mcts}\n'));
    expect(other.policy).toEqual({ kind: 'mcts', uctC: 0.25, numChildren: 5, maxDebugDepth: 20, improvePatience: 5 });
    expect(other.operators.style).toBe('aide');
  });

  it.each([
    ['unknown key', 'policy: {kind: greedy}\npolicyy: 1\n', /bad\.yaml: top level: .*policyy/],
    ['wrong type', 'policy: {kind: mcts, uctC: "high"}\n', /bad\.yaml: field `policy\.uctC`: .*number/],
    ['unknown policy kind', 'policy: {kind: beam}\n', /bad\.yaml: field `policy\.kind`/],
    ['probability out of range', 'policy: {kind: greedy, debugProb: 2}\n', /field `policy\.debugProb`/],
    ['absurd parallelism', 'policy: {kind: greedy}\nparallelism: 1000\n', /field `parallelism`/],
    ['operator the policy needs is not allowed', 'policy: {kind: evolutionary}\noperators: {allowed: [draft, improve, debug]}\n', /evolutionary policy as configured uses crossover/],
    ['bad extends', 'extends: gpt-agent\n', /field `extends`: expected one of aide-greedy/],
    ['not YAML', 'policy: [unclosed\n', /bad\.yaml: not valid YAML/],
    ['not a mapping', '- 1\n- 2\n', /expected a mapping/],
  ])('%s is refused with the file and field named', async (_name, text, message) => {
    await expect(resolveAgent(await agentFile('bad.yaml', text))).rejects.toThrow(message);
  });

  it('a crossover-free evolutionary agent may leave crossover out', async () => {
    const a = await resolveAgent(await agentFile('evo.yaml', 'policy: {kind: evolutionary, crossoverProb: 0}\noperators: {allowed: [draft, improve, debug]}\n'));
    expect(a.operators.allowed).not.toContain('crossover');
  });

  it('an agent file can put its operators on an LLM endpoint, a model per operator and a price table', async () => {
    const a = await resolveAgent(await agentFile('llm.yaml', [
      'extends: aide-greedy',
      'operators:',
      '  backend: llm',
      '  llm:',
      '    baseURL: http://localhost:8000/v1',
      '    models: {default: Qwen/Qwen2.5-Coder-32B-Instruct, analyze: Qwen/Qwen2.5-7B-Instruct}',
      '    prices: {Qwen/Qwen2.5-Coder-32B-Instruct: {input: 0, output: 0}}',
      '    maxConcurrent: 8',
    ].join('\n')));
    expect(a.operators).toMatchObject({ backend: 'llm', style: 'aide', llm: { maxConcurrent: 8, maxAttempts: 5, requestTimeoutMs: 600_000 } });
    expect(a.operators.llm!.models.analyze).toBe('Qwen/Qwen2.5-7B-Instruct');
  });

  it('an LLM backend without endpoint settings, or a replay without its run, is refused with the field named', async () => {
    await expect(resolveAgent(await agentFile('nollm.yaml', 'policy: {kind: greedy}\noperators: {backend: llm}\n'))).rejects.toThrow(/field `operators.llm`: the llm backend needs/);
    await expect(resolveAgent(await agentFile('badurl.yaml', 'policy: {kind: greedy}\noperators: {backend: llm, llm: {baseURL: nope, models: {default: m}}}\n'))).rejects.toThrow(/field `operators.llm.baseURL`/);
    await expect(resolveAgent(await agentFile('replay.yaml', 'policy: {kind: greedy}\noperators: {backend: replay, llm: {baseURL: "http://x/v1", models: {default: m}}}\n'))).rejects.toThrow(/field `operators.replayFrom`/);
    await expect(resolveAgent(await agentFile('key.yaml', 'policy: {kind: greedy}\noperators: {backend: llm, llm: {baseURL: "http://x/v1", apiKey: sk-1, models: {default: m}}}\n'))).rejects.toThrow(/apiKey/);
  });
});

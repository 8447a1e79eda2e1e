/**
 * An agent is (search policy, operator set, fitness): each axis is configured independently, so any
 * policy runs with any operator set. Presets reproduce the paper's agents with the released configs'
 * defaults (docs/architecture.md "Search policies"); a YAML or JSON file can define any other combination.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import YAML from 'yaml';
import { z } from 'zod';
import { llmConfigSchema } from './llm.js';
import { OPERATOR_NAMES, type OperatorName } from '../core/node.js';
import { SELECTION_STRATEGIES } from '../core/run.js';
import { MAX_STEPS } from './constants.js';

/**
 * A count of nodes, drafts, generations or debug attempts: no run makes more than MAX_STEPS nodes, so
 * a larger value can never be reached and is taken for a typo (1e12 for 12, say) rather than obeyed.
 */
const int = (min: number, max = MAX_STEPS) => z.number().int().min(min).max(max);
const probability = z.number().min(0).max(1);
/**
 * Improve children in a row that did not beat a node, after which no policy improves it again
 * (src/search/improvable.ts, whose DEFAULT_IMPROVE_PATIENCE the search presets use); the policy drafts
 * or improves another node instead.
 */
const improvePatience = int(1).default(5);

export const greedySchema = z.strictObject({
  kind: z.literal('greedy'),
  numDrafts: int(1).default(5),
  debugProb: probability.default(1),
  maxDebugDepth: int(0).default(20),
  improvePatience,
});

export const mctsSchema = z.strictObject({
  kind: z.literal('mcts'),
  uctC: z.number().min(0).default(0.25),
  numChildren: int(1).default(5),
  maxDebugDepth: int(0).default(20),
  improvePatience,
});

export const evolutionarySchema = z.strictObject({
  kind: z.literal('evolutionary'),
  numDrafts: int(1).default(5),
  individualsPerGeneration: int(1).default(5),
  crossoverProb: probability.default(0.5),
  crossoverFromGeneration: int(0).default(2),
  temperature: z.number().positive().default(1),
  maxPopulation: int(2).default(500),
  maxDebugDepth: int(0).default(10),
  improvePatience,
});

export const policySchema = z.discriminatedUnion('kind', [greedySchema, mctsSchema, evolutionarySchema]);

/** What an operator is shown of the rest of the graph (bounded by maxEntries and maxChars). */
export const memoryScopeSchema = z.enum(['none', 'global', 'ancestors', 'siblings']);
export type MemoryScope = z.infer<typeof memoryScopeSchema>;

/** The endpoint and models of the `llm` backend; the prompt style is the operator set's. */
export const llmSettingsSchema = llmConfigSchema.omit({ style: true });

export const operatorSetSchema = z.strictObject({
  /**
   * offline: the deterministic program generator (no model). llm: an OpenAI-compatible endpoint
   * (`llm` below). replay: the llm backend fed the completions recorded by run `replayFrom`, no endpoint.
   */
  backend: z.enum(['offline', 'llm', 'replay']).default('offline'),
  /** Prompt family for LLM backends: AIDE's compact set or AIRA's richer one. */
  style: z.enum(['aide', 'aira']).default('aira'),
  llm: llmSettingsSchema.optional(),
  /** The run whose recorded completions the replay backend feeds back. */
  replayFrom: z.string().min(1).optional(),
  allowed: z.array(z.enum(OPERATOR_NAMES)).min(1).default(() => [...OPERATOR_NAMES]),
  /**
   * Improve's scope, when not given, depends on the backend (memoryScope below): an LLM reads the
   * journal of good nodes (AIRA's simple memory); the offline generator reads what its parent's other
   * children already tried, so it does not repeat a move.
   */
  memory: z.strictObject({
    draft: memoryScopeSchema.default('global'),
    improve: memoryScopeSchema.optional(),
    debug: memoryScopeSchema.default('ancestors'),
    crossover: memoryScopeSchema.default('none'),
  }).default(() => ({ draft: 'global' as const, debug: 'ancestors' as const, crossover: 'none' as const })),
  /** Memory entries and characters in a prompt: bounded by what any model's context could take. */
  maxMemoryEntries: int(0, 1000).default(10),
  maxMemoryChars: int(0, 1_000_000).default(4000),
});


/**
 * Final selection (fitness/finalSelection.ts, workflows/finalSelection.ts). `strategy` picks the submitted node; `report` adds strategies
 * whose picks are computed and graded for comparison only (the benchmark's selection table).
 */
export const selectionSchema = z.strictObject({
  strategy: z.enum(SELECTION_STRATEGIES).default('validation'),
  /** Candidates re-scored by holdout or k-fold: the best k by validation score. */
  topK: int(1).max(20).default(3),
  /** Folds of the k-fold re-evaluation (each candidate's code runs once per fold). */
  folds: int(2).max(10).default(3),
  report: z.array(z.enum(SELECTION_STRATEGIES)).default(() => ['validation' as const, 'holdout' as const]),
});

export const agentSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, ".", "_" or "-"'),
  policy: policySchema,
  operators: operatorSetSchema.default(() => operatorSetSchema.parse({})),
  /** Operator+execution chains in flight at once within one run. */
  parallelism: int(1).max(64).default(1),
  selection: selectionSchema.default(() => selectionSchema.parse({})),
});

export type AgentConfig = z.infer<typeof agentSchema>;
export type OperatorSetConfig = z.infer<typeof operatorSetSchema>;
export type SelectionConfig = z.infer<typeof selectionSchema>;
export type PolicyConfig = z.infer<typeof policySchema>;

/** Operators a policy may propose under its config; they must all be in the operator set. */
export function operatorsUsed(policy: PolicyConfig): OperatorName[] {
  const ops: OperatorName[] = ['draft', 'improve'];
  if (policy.maxDebugDepth > 0 && (policy.kind !== 'greedy' || policy.debugProb > 0)) ops.push('debug');
  if (policy.kind === 'evolutionary' && policy.crossoverProb > 0) ops.push('crossover');
  return ops;
}

const PRESET_INPUTS: Record<string, unknown> = {
  'aide-greedy': { name: 'aide-greedy', policy: { kind: 'greedy', debugProb: 0.5, maxDebugDepth: 3 }, operators: { style: 'aide' } },
  'aira-greedy': { name: 'aira-greedy', policy: { kind: 'greedy' } },
  'aira-mcts': { name: 'aira-mcts', policy: { kind: 'mcts' } },
  'aira-evo': { name: 'aira-evo', policy: { kind: 'evolutionary' } },
};

export const PRESET_NAMES = Object.keys(PRESET_INPUTS);
export const DEFAULT_PRESET = 'aira-greedy';

export class AgentConfigError extends Error {
  override name = 'AgentConfigError';
}

/** "file: field `policy.uctC`: expected number, received string" for each problem. */
function describeIssues(source: string, error: z.ZodError): string {
  return error.issues
    .map((i) => `${source}: ${i.path.length ? `field \`${i.path.join('.')}\`` : 'top level'}: ${i.message}`)
    .join('\n');
}

function validate(source: string, input: unknown): AgentConfig {
  const parsed = agentSchema.safeParse(input);
  if (!parsed.success) throw new AgentConfigError(describeIssues(source, parsed.error));
  const missing = operatorsUsed(parsed.data.policy).filter((op) => !parsed.data.operators.allowed.includes(op));
  if (missing.length > 0) {
    throw new AgentConfigError(
      `${source}: field \`operators.allowed\`: the ${parsed.data.policy.kind} policy as configured uses ${missing.join(', ')}; add ${missing.length > 1 ? 'them' : 'it'} or change the policy`,
    );
  }
  const ops = parsed.data.operators;
  if (ops.backend !== 'offline' && !ops.llm) {
    throw new AgentConfigError(`${source}: field \`operators.llm\`: the ${ops.backend} backend needs { baseURL, models: { default } } (or give --llm-url and --llm-model)`);
  }
  if (ops.backend === 'replay' && !ops.replayFrom) {
    throw new AgentConfigError(`${source}: field \`operators.replayFrom\`: the replay backend needs the id of the recorded run`);
  }
  return parsed.data;
}

export function resolvePreset(name: string): AgentConfig {
  const input = PRESET_INPUTS[name];
  if (input === undefined) {
    throw new AgentConfigError(`unknown agent preset "${name}": choose one of ${PRESET_NAMES.join(', ')}, or give a YAML/JSON agent file`);
  }
  return validate(`preset ${name}`, structuredClone(input));
}

/**
 * The agent with its operators on an OpenAI-compatible endpoint: the URL and default model given (CLI
 * flags, or CRUCIBLE_LLM_BASE_URL / CRUCIBLE_LLM_MODEL) override what the agent file says.
 */
export function withLlmEndpoint(agent: AgentConfig, endpoint: { baseURL?: string; model?: string }): AgentConfig {
  const current = agent.operators.llm;
  const llm = {
    ...current,
    ...(endpoint.baseURL ? { baseURL: endpoint.baseURL } : {}),
    models: { ...current?.models, ...(endpoint.model ? { default: endpoint.model } : {}) },
  };
  return validate('LLM endpoint', { ...agent, operators: { ...agent.operators, backend: 'llm', llm } });
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Deep merge of plain objects (arrays and scalars from `over` replace). */
function merge(base: unknown, over: unknown): unknown {
  if (!isObject(base) || !isObject(over)) return over;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = merge(base[k], v);
  return out;
}

/**
 * An agent file (YAML or JSON). `extends: <preset>` starts from a preset and overrides its fields;
 * a policy of another kind replaces the preset's policy whole.
 */
export async function loadAgentFile(file: string): Promise<AgentConfig> {
  const source = path.basename(file);
  const bytes = await readFile(file).catch((err: NodeJS.ErrnoException) => {
    throw new AgentConfigError(`agent file ${file} cannot be read (${err.code ?? err.message})`);
  });
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new AgentConfigError(`${source}: not UTF-8 text; save the agent file as UTF-8`);
  }
  let doc: unknown;
  try {
    doc = file.endsWith('.json') ? JSON.parse(text) : YAML.parse(text);
  } catch (err) {
    throw new AgentConfigError(`${source}: not valid ${file.endsWith('.json') ? 'JSON' : 'YAML'}: ${(err as Error).message.split('\n')[0]}`);
  }
  if (!isObject(doc)) throw new AgentConfigError(`${source}: expected a mapping of agent fields`);
  const { extends: base, ...rest } = doc;
  if (base === undefined) return validate(source, { name: path.basename(file).replace(/\.(ya?ml|json)$/, ''), ...rest });
  if (typeof base !== 'string' || PRESET_INPUTS[base] === undefined) {
    throw new AgentConfigError(`${source}: field \`extends\`: expected one of ${PRESET_NAMES.join(', ')}`);
  }
  const preset = structuredClone(PRESET_INPUTS[base]) as Record<string, unknown>;
  const samePolicy = isObject(rest.policy) && isObject(preset.policy) && (rest.policy.kind ?? preset.policy.kind) === preset.policy.kind;
  const start = samePolicy || rest.policy === undefined ? preset : { ...preset, policy: undefined };
  return validate(source, merge(start, rest));
}

/** A preset name, or a path to a .yaml/.yml/.json agent file. */
export async function resolveAgent(nameOrFile: string): Promise<AgentConfig> {
  return /\.(ya?ml|json)$/.test(nameOrFile) ? loadAgentFile(nameOrFile) : resolvePreset(nameOrFile);
}

import { z } from 'zod';

/**
 * An agent is (policy, operator set, fitness). Presets reproduce the paper's agents; the values are
 * the released configs' defaults (see DESIGN.md "Search policies").
 */
export const greedyPolicySchema = z.strictObject({
  kind: z.literal('greedy'),
  numDrafts: z.number().int().min(1),
  debugProb: z.number().min(0).max(1),
  maxDebugDepth: z.number().int().min(0),
});

export const agentSchema = z.strictObject({
  preset: z.string(),
  policy: greedyPolicySchema,
  operators: z.strictObject({ backend: z.literal('offline') }),
});

export type AgentConfig = z.infer<typeof agentSchema>;

export const PRESETS: Record<string, AgentConfig> = {
  'aide-greedy': {
    preset: 'aide-greedy',
    policy: { kind: 'greedy', numDrafts: 5, debugProb: 0.5, maxDebugDepth: 3 },
    operators: { backend: 'offline' },
  },
  'aira-greedy': {
    preset: 'aira-greedy',
    policy: { kind: 'greedy', numDrafts: 5, debugProb: 1.0, maxDebugDepth: 20 },
    operators: { backend: 'offline' },
  },
};

export const DEFAULT_PRESET = 'aira-greedy';

export function resolvePreset(name: string): AgentConfig {
  const preset = PRESETS[name];
  if (!preset) {
    throw new Error(`unknown agent preset "${name}": choose one of ${Object.keys(PRESETS).join(', ')}`);
  }
  return structuredClone(preset);
}

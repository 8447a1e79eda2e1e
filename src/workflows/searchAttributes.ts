import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** Custom search attributes for the Temporal UI and `temporal workflow list --query`. */
export const CrucibleTask = defineSearchAttributeKey('CrucibleTask', SearchAttributeType.KEYWORD);
export const CrucibleAgent = defineSearchAttributeKey('CrucibleAgent', SearchAttributeType.KEYWORD);
export const CruciblePolicy = defineSearchAttributeKey('CruciblePolicy', SearchAttributeType.KEYWORD);
export const CrucibleStatus = defineSearchAttributeKey('CrucibleStatus', SearchAttributeType.KEYWORD);
export const CrucibleSeed = defineSearchAttributeKey('CrucibleSeed', SearchAttributeType.INT);
export const CrucibleNodes = defineSearchAttributeKey('CrucibleNodes', SearchAttributeType.INT);
export const CrucibleBestScore = defineSearchAttributeKey('CrucibleBestScore', SearchAttributeType.DOUBLE);
/** LLM spend: prompt plus completion tokens, and US dollars, of the run so far. */
export const CrucibleTokens = defineSearchAttributeKey('CrucibleTokens', SearchAttributeType.INT);
export const CrucibleCostUsd = defineSearchAttributeKey('CrucibleCostUsd', SearchAttributeType.DOUBLE);

export const ALL_SEARCH_ATTRIBUTES = [
  CrucibleTask, CrucibleAgent, CruciblePolicy, CrucibleStatus, CrucibleSeed, CrucibleNodes, CrucibleBestScore, CrucibleTokens, CrucibleCostUsd,
];

/** `KEY=Type` flags for `temporal server start-dev --search-attribute`. */
export function searchAttributeFlags(): string[] {
  const typeName: Record<string, string> = { KEYWORD: 'Keyword', INT: 'Int', DOUBLE: 'Double' };
  return ALL_SEARCH_ATTRIBUTES.flatMap((k) => ['--search-attribute', `${k.name}=${typeName[k.type]}`]);
}

/** The attributes known when a run starts; set by the client at start and by the workflow itself. */
export function initialSearchAttributes(input: { task: { id: string }; agent: { name: string; policy: { kind: string } }; seed: number }) {
  return [
    { key: CrucibleTask, value: input.task.id },
    { key: CrucibleAgent, value: input.agent.name },
    { key: CruciblePolicy, value: input.agent.policy.kind },
    { key: CrucibleSeed, value: input.seed },
    { key: CrucibleStatus, value: 'running' },
  ];
}

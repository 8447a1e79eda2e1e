/**
 * Prices in US dollars per million tokens. Defaults are the providers' list prices for common models
 * at the time of writing; they change, so the backend takes an override table (merged over these).
 * Self-hosted models (vLLM, Ollama) have no entry: give them { input: 0, output: 0 } to count them free.
 */
export interface ModelPrice {
  /** Per million prompt tokens. */
  input: number;
  /** Per million completion tokens. */
  output: number;
}

export type PriceTable = Record<string, ModelPrice>;

export const DEFAULT_PRICES: PriceTable = {
  'gpt-4o': { input: 2.5, output: 10 },
  'gpt-4o-mini': { input: 0.15, output: 0.6 },
  'gpt-4.1': { input: 2, output: 8 },
  'gpt-4.1-mini': { input: 0.4, output: 1.6 },
  'gpt-4.1-nano': { input: 0.1, output: 0.4 },
  'o1': { input: 15, output: 60 },
  'o3': { input: 2, output: 8 },
  'o3-mini': { input: 1.1, output: 4.4 },
  'o4-mini': { input: 1.1, output: 4.4 },
};

/** The exact model's price, else the longest entry the model name starts with ("gpt-4o-2024-08-06" → gpt-4o). */
export function priceOf(model: string, table: PriceTable): ModelPrice | null {
  if (Object.hasOwn(table, model)) return table[model] ?? null;
  let best: string | null = null;
  for (const name of Object.keys(table)) {
    if (model.startsWith(`${name}-`) && (best === null || name.length > best.length)) best = name;
  }
  return best === null ? null : (table[best] ?? null);
}

export function costUsd(model: string, promptTokens: number, completionTokens: number, table: PriceTable): number | null {
  const price = priceOf(model, table);
  if (!price) return null;
  return (promptTokens * price.input + completionTokens * price.output) / 1_000_000;
}

import type { Connection } from '@temporalio/client';
import { encodeSearchAttributeIndexedValueType } from '@temporalio/common/lib/search-attributes.js';
import { DEFAULT_NAMESPACE } from '../config/constants.js';
import { ALL_SEARCH_ATTRIBUTES } from '../workflows/searchAttributes.js';

/**
 * Registers Crucible's search attributes on a cluster (the dev server gets them at start). Existing
 * ones are left alone, so it can run again; returns the names it added.
 */
export async function registerSearchAttributes(connection: Connection, namespace = DEFAULT_NAMESPACE): Promise<string[]> {
  const existing = await connection.operatorService.listSearchAttributes({ namespace });
  const known = new Set(Object.keys({ ...existing.customAttributes, ...existing.systemAttributes }));
  const missing = ALL_SEARCH_ATTRIBUTES.filter((k) => !known.has(k.name));
  if (missing.length === 0) return [];
  await connection.operatorService.addSearchAttributes({
    namespace,
    searchAttributes: Object.fromEntries(missing.map((k) => [k.name, encodeSearchAttributeIndexedValueType(k.type)!])),
  });
  return missing.map((k) => k.name);
}

import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time.js';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { registerSearchAttributes } from '../../src/cli/attributes.js';
import { ALL_SEARCH_ATTRIBUTES } from '../../src/workflows/searchAttributes.js';

describe('search attributes on a production-style cluster', () => {
  let connection: Connection | undefined;
  afterAll(async () => connection?.close());

  it('registers every Crucible attribute in a namespace that lacks them, once', async () => {
    connection = await Connection.connect({ address: inject('temporalAddress') });
    const namespace = `attrs-${Date.now()}`;
    await connection.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs('1 day') });
    const names = ALL_SEARCH_ATTRIBUTES.map((k) => k.name).sort();
    let added: string[] = [];
    for (let i = 0; i < 50; i++) {
      try {
        added = await registerSearchAttributes(connection, namespace);
        break;
      } catch (err) {
        if (!/not found|namespace/i.test(String(err))) throw err; // the new namespace is not visible yet
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    expect(added.sort()).toEqual(names);
    const listed = await connection.operatorService.listSearchAttributes({ namespace });
    for (const name of names) expect(Object.keys(listed.customAttributes ?? {})).toContain(name);
    expect(await registerSearchAttributes(connection, namespace)).toEqual([]);
  });
});

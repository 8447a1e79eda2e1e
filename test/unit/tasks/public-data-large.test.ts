import { mkdirSync, truncateSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { describeFile } from '../../../src/artifacts/store.js';
import type { ArtifactRef } from '../../../src/core/artifact.js';
import { publishTaskData } from '../../../src/tasks/dataRef.js';
import { loadTask } from '../../../src/tasks/load.js';
import { CountingStoreDouble } from '../../helpers/countingStore.js';
import { tempDir, writeTask } from './fixtures.js';

const GiB = 1024 ** 3;

/**
 * Test double of a store that takes files the way the real ones do first (a streamed read and hash,
 * artifacts/store.ts describeFile) but keeps nothing, so a 3 GiB file costs no disk.
 */
class StreamingHashStoreDouble extends CountingStoreDouble {
  override putFile(file: string): Promise<ArtifactRef> {
    this.putFiles.push(file);
    return describeFile(file);
  }
}

describe('a public file larger than Node reads at once (3 GiB, sparse)', () => {
  const { dir, cleanup } = tempDir();
  afterEach(cleanup);

  it('is accepted by the task checks and published streamed, memory staying small', async () => {
    writeTask(dir);
    mkdirSync(path.join(dir, 'public', 'images'));
    const big = path.join(dir, 'public', 'images', 'blob.bin');
    writeFileSync(big, '');
    truncateSync(big, 3 * GiB);
    const task = await loadTask(dir);

    const store = new StreamingHashStoreDouble(path.join(await mkdtemp(path.join(os.tmpdir(), 'large-')), 'artifacts'));
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 20);
    try {
      const ref = await publishTaskData(store, task.publicDir, { shared: [], indexDir: path.join(dir, 'index') });
      const manifest = JSON.parse(await store.getText(ref)) as { files: { path: string; bytes: number }[] };
      expect(manifest.files.find((f) => f.path === 'images/blob.bin')?.bytes).toBe(3 * GiB);
    } finally {
      clearInterval(sampler);
    }
    expect(store.putFiles).toContain(big);
    expect(peak - before).toBeLessThan(256 * 1024 ** 2);
  }, 60_000);
});

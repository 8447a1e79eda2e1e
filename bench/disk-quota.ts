/**
 * What the workspace disk quota costs per execution: a fresh workspace with and without its own
 * loop-mounted filesystem (sparse image, mkfs.ext4, mount, umount, delete), alone and around a real
 * `pass` execution in the Docker sandbox. Runs interleaved; prints medians, means and minima in ms.
 *
 *   npx tsx bench/disk-quota.ts [--runs 20] [--quota 2GiB]
 *
 * Needs root and mkfs.ext4 (without them every workspace runs unquota'd and the numbers are equal),
 * and for the Docker rows the engine and sandbox image.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { MockActivityEnvironment } from '@temporalio/testing';
import { inFreshWorkspace } from '../src/activities/workspace.js';
import { parseQuotaBytes } from '../src/sandbox/diskQuota.js';
import { DockerExecutor, dockerAvailable } from '../src/sandbox/docker.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '20' }, quota: { type: 'string', default: '2GiB' } } });
const runs = Number(values.runs);
const quota = parseQuotaBytes(values.quota);
const root = await mkdtemp(path.join(os.tmpdir(), 'crucible-bench-quota-'));
const workspaces = path.join(root, 'workspaces');
const env = new MockActivityEnvironment();
const docker = (await dockerAvailable()) ? new DockerExecutor() : null;

type Work = (dir: string) => Promise<unknown>;
const empty: Work = async () => undefined;
const pass: Work = (dir) => docker!.execute({ code: 'pass\n', dataDir: path.join(root, 'data'), workDir: dir, timeoutMs: 30_000, maxOutputBytes: 4096 });

let n = 0;
async function once(q: number | null, work: Work): Promise<number> {
  const t0 = performance.now();
  await env.run(() => inFreshWorkspace(workspaces, 'bench', `w${n++}`, q, work));
  return performance.now() - t0;
}

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const median = s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
  return { median, mean: xs.reduce((a, b) => a + b, 0) / xs.length, min: s[0]! };
};

try {
  // Warm-up: the one-time support probe, and the first container start.
  await once(quota, empty);
  if (docker) await once(null, pass);
  const rows: [string, number | null, Work][] = [['workspace only, no quota', null, empty], [`workspace only, quota ${values.quota}`, quota, empty]];
  if (docker) rows.push(['docker `pass`, no quota', null, pass], [`docker \`pass\`, quota ${values.quota}`, quota, pass]);
  const times = rows.map(() => [] as number[]);
  for (let i = 0; i < runs; i++) {
    for (const [k, [, q, work]] of rows.entries()) times[k]!.push(await once(q, work));
  }
  console.log(`| ${runs} runs each | median ms | mean ms | min ms |\n|---|---:|---:|---:|`);
  for (const [k, [name]] of rows.entries()) {
    const s = stats(times[k]!);
    console.log(`| ${name} | ${s.median.toFixed(1)} | ${s.mean.toFixed(1)} | ${s.min.toFixed(1)} |`);
  }
} finally {
  await rm(root, { recursive: true, force: true });
}

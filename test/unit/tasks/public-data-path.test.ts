import { chmod, mkdir, mkdtemp, readdir, rename, stat, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sharedDataRoots } from '../../../src/config/sharedData.js';
import { publicDataDir, publishTaskData } from '../../../src/tasks/dataRef.js';
import { CountingStoreDouble } from '../../helpers/countingStore.js';

const tmp = () => mkdtemp(path.join(os.tmpdir(), 'public-data-path-'));

async function setup() {
  const shared = await tmp();
  const src = path.join(shared, 'competition', 'public');
  await mkdir(path.join(src, 'images'), { recursive: true });
  await writeFile(path.join(src, 'train.csv'), 'id,x,target\n1,2,0\n');
  await writeFile(path.join(src, 'images', 'a.png'), Buffer.from([0, 1, 2, 255]));
  const store = new CountingStoreDouble(path.join(await tmp(), 'artifacts'));
  return { shared, src, store, cache: await tmp(), options: { shared: [shared], indexDir: await tmp() } };
}

describe('task public data referenced in place (folders every exec worker shares)', () => {
  it('mounts the folder itself: same inode and mtime, nothing stored, nothing in the data cache', async () => {
    const { src, store, cache, options } = await setup();
    const ref = await publishTaskData(store, src, options);
    expect(store.putFiles).toEqual([]);
    expect(store.puts).toBe(1); // the small path reference only
    expect(JSON.parse(await store.getText(ref))).toMatchObject({ kind: 'path', path: src, fileCount: 2, bytes: 22 });

    const dir = await publicDataDir(store, ref, cache);
    expect(dir).toBe(src);
    const [seen, original] = await Promise.all([stat(path.join(dir, 'images', 'a.png')), stat(path.join(src, 'images', 'a.png'))]);
    expect({ ino: seen.ino, mtimeMs: seen.mtimeMs }).toEqual({ ino: original.ino, mtimeMs: original.mtimeMs });
    expect(store.getFiles).toBe(0);
    expect(await readdir(cache)).toEqual([]);
  });

  it('a changed folder has another identity, and a run that published the old one refuses it', async () => {
    const { src, store, cache, options } = await setup();
    const ref = await publishTaskData(store, src, options);
    expect(await publishTaskData(store, src, options)).toEqual(ref);
    await utimes(path.join(src, 'train.csv'), new Date(), new Date(Date.now() + 5000));
    const touched = await publishTaskData(store, src, options);
    expect(touched.sha256).not.toBe(ref.sha256);
    await expect(publicDataDir(store, ref, cache)).rejects.toThrow(`task data folder ${src} changed since the run published it`);
    expect(await publicDataDir(store, touched, cache)).toBe(src);
  });

  it('an exec worker that cannot see the folder fails naming the folder and CRUCIBLE_SHARED_DATA', async () => {
    const { src, store, cache, options } = await setup();
    const ref = await publishTaskData(store, src, options);
    await rename(src, `${src}-elsewhere`);
    const err = await publicDataDir(store, ref, cache).catch((e: unknown) => e as Error);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toContain(`task data folder ${src} is not visible on this exec worker (${os.hostname()})`);
    expect((err as Error).message).toMatch(/CRUCIBLE_SHARED_DATA where the run was published \(the client that started it; for older clients, the control worker\) names the folders every worker sees at the same path/);
    expect((err as Error).message).toMatch(/mount it at the same path here, or keep it out of CRUCIBLE_SHARED_DATA/);
  });

  it('only folders under a shared one are referenced in place; others go through the store', async () => {
    const { src, store, options } = await setup();
    await publishTaskData(store, src, { ...options, shared: [path.join(path.dirname(src), 'other')] });
    expect(store.putFiles).toHaveLength(2);
  });

  it('refuses a folder the sandbox user could not read, saying how to fix it', async () => {
    const { src, store, options } = await setup();
    await chmod(path.join(src, 'images', 'a.png'), 0o600);
    await expect(publishTaskData(store, src, options)).rejects.toThrow(
      `${path.join(src, 'images', 'a.png')}: not readable by other users (mode 0600), and the sandbox reads the public folder in place as its own user: run chmod -R a+rX ${src}`,
    );
  });
});

describe('CRUCIBLE_SHARED_DATA', () => {
  it('lists absolute folders, or none; unset, the worker default', () => {
    expect(sharedDataRoots({}, ['/'])).toEqual(['/']);
    expect(sharedDataRoots({ CRUCIBLE_SHARED_DATA: '' }, [])).toEqual([]);
    expect(sharedDataRoots({ CRUCIBLE_SHARED_DATA: '/data:/mnt/nfs/' }, ['/'])).toEqual(['/data', '/mnt/nfs']);
    expect(sharedDataRoots({ CRUCIBLE_SHARED_DATA: 'none' }, ['/'])).toEqual([]);
    expect(() => sharedDataRoots({ CRUCIBLE_SHARED_DATA: '/data:data' }, [])).toThrow(
      'CRUCIBLE_SHARED_DATA must list absolute folders separated by \':\' (or be \'none\'); "data" is not absolute',
    );
  });
});

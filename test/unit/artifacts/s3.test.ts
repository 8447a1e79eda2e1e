/**
 * S3ArtifactStore against a real local S3 server: moto_server from the project venv
 * (scripts/requirements.txt), started on a free port for this file and stopped afterwards.
 */
import { CreateBucketCommand, DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client, type ListObjectsV2CommandOutput } from '@aws-sdk/client-s3';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { openArtifactStore } from '../../../src/artifacts/index.js';
import { S3ArtifactStore } from '../../../src/artifacts/s3.js';
import { ArtifactError, FileArtifactStore } from '../../../src/artifacts/store.js';
import { artifactStoreContract } from './contract.js';
import { startMoto, type Moto } from '../../helpers/moto.js';

const CREDENTIALS = { accessKeyId: 'crucible-test-key', secretAccessKey: 'crucible-test-secret-do-not-print' };
const REGION = 'us-east-1';

describe('S3ArtifactStore (moto server)', () => {
  const stores: S3ArtifactStore[] = [];
  const bucket = 'crucible-artifacts';
  let storesMade = 0;

  // Started by the first test that needs it rather than in beforeAll, so that without moto every test
  // fails with the setup.sh hint instead of being reported as skipped.
  let server: Promise<{ moto: Moto; admin: S3Client }> | undefined;
  const s3 = () => (server ??= (async () => {
    const moto = await startMoto();
    const admin = new S3Client({ region: REGION, endpoint: moto.endpoint, forcePathStyle: true, credentials: CREDENTIALS });
    try {
      await admin.send(new CreateBucketCommand({ Bucket: bucket }));
    } catch (err) {
      admin.destroy();
      await moto.stop();
      throw err;
    }
    return { moto, admin };
  })());

  afterAll(async () => {
    for (const s of stores) s.client.destroy();
    const started = await server?.catch(() => undefined);
    started?.admin.destroy();
    await started?.moto.stop();
  });

  afterEach(() => {
    vi.unstubAllEnvs();
  });

  const uploads = new Map<S3ArtifactStore, number>();

  /** A store under a fresh prefix, uploading files in parts of S3's least part size, with its uploads (whole or multipart) counted. */
  const newStore = async (): Promise<S3ArtifactStore> => {
    const store = new S3ArtifactStore({
      bucket, prefix: `runs/test-${++storesMade}`, endpoint: (await s3()).moto.endpoint, region: REGION, credentials: CREDENTIALS, partBytes: 5 * 1024 ** 2,
    });
    store.client.middlewareStack.add((next, context) => async (args) => {
      if (context.commandName === 'PutObjectCommand' || context.commandName === 'CreateMultipartUploadCommand') uploads.set(store, (uploads.get(store) ?? 0) + 1);
      return next(args);
    }, { step: 'initialize', name: 'countUploads' });
    stores.push(store);
    return store;
  };

  const listKeys = async (store: S3ArtifactStore): Promise<string[]> => {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page: ListObjectsV2CommandOutput = await (await s3()).admin.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: `${store.prefix}/`, ContinuationToken: token }));
      keys.push(...(page.Contents ?? []).map((o) => o.Key!.slice(store.prefix.length + 1)));
      token = page.NextContinuationToken;
    } while (token);
    return keys.sort();
  };

  artifactStoreContract<S3ArtifactStore>({
    newStore,
    list: listKeys,
    nameOf: (store, sha256) => store.keyOf(sha256).slice(store.prefix.length + 1),
    overwrite: async (store, sha256, content) => {
      const body = Buffer.from(content);
      await (await s3()).admin.send(new PutObjectCommand({ Bucket: bucket, Key: store.keyOf(sha256), Body: body, ContentLength: body.length }));
    },
    read: async (store, sha256) => {
      const out = await (await s3()).admin.send(new GetObjectCommand({ Bucket: bucket, Key: store.keyOf(sha256) }));
      return Buffer.from(await out.Body!.transformToByteArray());
    },
    remove: async (store, sha256) => {
      await (await s3()).admin.send(new DeleteObjectCommand({ Bucket: bucket, Key: store.keyOf(sha256) }));
    },
    whereOf: (store, sha256) => `s3://${bucket}/${store.keyOf(sha256)}`,
    uploads: (store) => uploads.get(store) ?? 0,
  });

  it('stores blobs under <prefix>/<ab>/<sha256> and names its location s3://bucket/prefix', async () => {
    const store = await newStore();
    const ref = await store.put('hello');
    expect(store.keyOf(ref.sha256)).toBe(`${store.prefix}/${ref.sha256.slice(0, 2)}/${ref.sha256}`);
    expect(store.location).toBe(`s3://${bucket}/${store.prefix}`);
  });

  it('names the key of a corrupted object', async () => {
    const store = await newStore();
    const ref = await store.put('original');
    await (await s3()).admin.send(new PutObjectCommand({ Bucket: bucket, Key: store.keyOf(ref.sha256), Body: 'tampered' }));
    await expect(store.get(ref)).rejects.toThrow(`s3://${bucket}/${store.keyOf(ref.sha256)}`);
  });

  it('reports S3 failures as ArtifactErrors without credentials', async () => {
    const store = new S3ArtifactStore({ bucket: 'no-such-bucket', prefix: 'p', endpoint: (await s3()).moto.endpoint, region: REGION, credentials: CREDENTIALS });
    stores.push(store);
    const putErr = await store.put('x').catch((e: unknown) => e);
    expect(putErr).toBeInstanceOf(ArtifactError);
    expect((putErr as Error).message).toMatch(/S3 (existence check|upload) of s3:\/\/no-such-bucket\/p\/.* failed: NoSuchBucket/);
    const getErr = await store.get({ sha256: 'b'.repeat(64) }).catch((e: unknown) => e);
    expect(getErr).toBeInstanceOf(ArtifactError);
    expect((getErr as Error).message).toMatch(/NoSuchBucket/);
    expect((getErr as Error).message).not.toMatch(/missing/);
    for (const err of [putErr, getErr] as Error[]) {
      expect(`${err.message} ${err.stack} ${String(err.cause)}`).not.toContain(CREDENTIALS.secretAccessKey);
      expect(err.cause).toBeUndefined();
    }
  });

  it('works end to end through openArtifactStore, with credentials from the process environment', async () => {
    vi.stubEnv('AWS_ACCESS_KEY_ID', CREDENTIALS.accessKeyId);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', CREDENTIALS.secretAccessKey);
    const store = openArtifactStore(
      { CRUCIBLE_ARTIFACTS: `s3://${bucket}/via-env/`, CRUCIBLE_S3_ENDPOINT: (await s3()).moto.endpoint, AWS_REGION: REGION },
      '/unused',
    );
    expect(store).toBeInstanceOf(S3ArtifactStore);
    stores.push(store as S3ArtifactStore);
    const ref = await store.put('from the environment');
    expect(await store.getText(ref)).toBe('from the environment');
    expect(store.location).toBe(`s3://${bucket}/via-env`);
  });
});

describe('openArtifactStore', () => {
  it('uses the filesystem store in the default folder when CRUCIBLE_ARTIFACTS is unset or empty', () => {
    for (const env of [{}, { CRUCIBLE_ARTIFACTS: '' }, { CRUCIBLE_ARTIFACTS: '  ' }]) {
      const store = openArtifactStore(env, '/state/artifacts');
      expect(store).toBeInstanceOf(FileArtifactStore);
      expect(store.location).toBe('/state/artifacts');
    }
  });

  it('opens an S3 store with a bucket and prefix, AWS defaults when nothing else is set', async () => {
    const store = openArtifactStore({ CRUCIBLE_ARTIFACTS: 's3://my-bucket/team/crucible/' }, '/unused') as S3ArtifactStore;
    try {
      expect(store).toBeInstanceOf(S3ArtifactStore);
      expect(store.bucket).toBe('my-bucket');
      expect(store.prefix).toBe('team/crucible');
      expect(store.location).toBe('s3://my-bucket/team/crucible');
      expect(store.keyOf('c'.repeat(64))).toBe(`team/crucible/cc/${'c'.repeat(64)}`);
      expect(await store.client.config.region()).toBe('us-east-1');
      expect(store.client.config.forcePathStyle).toBe(false);
    } finally {
      store.client.destroy();
    }
  });

  it('takes the endpoint (path-style) from CRUCIBLE_S3_ENDPOINT and the region from AWS_REGION', async () => {
    const store = openArtifactStore({
      CRUCIBLE_ARTIFACTS: 's3://bucket.with.dots', CRUCIBLE_S3_ENDPOINT: 'http://127.0.0.1:9000', AWS_REGION: 'eu-west-3',
    }, '/unused') as S3ArtifactStore;
    try {
      expect(store.prefix).toBe('');
      expect(store.location).toBe('s3://bucket.with.dots');
      expect(store.keyOf('d'.repeat(64))).toBe(`dd/${'d'.repeat(64)}`);
      expect(await store.client.config.region()).toBe('eu-west-3');
      expect(store.client.config.forcePathStyle).toBe(true);
      const ep = await store.client.config.endpoint!();
      expect([ep.protocol, ep.hostname, ep.port]).toEqual(['http:', '127.0.0.1', 9000]);
    } finally {
      store.client.destroy();
    }
  });

  it('rejects other settings with an error naming CRUCIBLE_ARTIFACTS and the accepted forms', () => {
    for (const value of ['/var/crucible/artifacts', 'file:///tmp/a', 'gs://bucket/x', 's3://', 's3:///prefix', 's3://Bad_Bucket!', 's3://b/x/../y']) {
      expect(() => openArtifactStore({ CRUCIBLE_ARTIFACTS: value }, '/unused'), value).toThrow(ArtifactError);
      expect(() => openArtifactStore({ CRUCIBLE_ARTIFACTS: value }, '/unused'), value).toThrow(/CRUCIBLE_ARTIFACTS.*(s3:\/\/<bucket>\[\/<prefix>\]|segments)/);
    }
  });

  it('never echoes credentials put in the wrong place', () => {
    const bad = [
      { CRUCIBLE_ARTIFACTS: 's3://AKIDEXAMPLE:hunter2-secret@bucket/p' },
      { CRUCIBLE_ARTIFACTS: 'https://AKIDEXAMPLE:hunter2-secret@bucket/p' },
      { CRUCIBLE_ARTIFACTS: 's3://bucket/p', CRUCIBLE_S3_ENDPOINT: 'http://AKIDEXAMPLE:hunter2-secret@127.0.0.1:9000' },
    ];
    for (const env of bad) {
      let message = '';
      try {
        openArtifactStore(env, '/unused');
      } catch (err) {
        message = (err as Error).message;
      }
      expect(message).toMatch(/CRUCIBLE_ARTIFACTS|CRUCIBLE_S3_ENDPOINT/);
      expect(message).not.toContain('hunter2-secret');
    }
  });

  it('rejects an endpoint that is not an http(s) URL', () => {
    for (const endpoint of ['localhost:9000', 'ftp://127.0.0.1']) {
      expect(() => openArtifactStore({ CRUCIBLE_ARTIFACTS: 's3://bucket', CRUCIBLE_S3_ENDPOINT: endpoint }, '/unused'))
        .toThrow(/CRUCIBLE_S3_ENDPOINT must be an http:\/\/ or https:\/\/ URL/);
    }
  });
});

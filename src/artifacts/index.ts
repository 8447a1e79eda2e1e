import path from 'node:path';
import { S3ArtifactStore } from './s3.js';
import { ArtifactError, FileArtifactStore, type ArtifactStore } from './store.js';

export {
  ArtifactCorruptError, ArtifactError, ArtifactMissingError, FileArtifactStore, type ArtifactKey, type ArtifactStore,
} from './store.js';
export { S3ArtifactStore, type S3ArtifactStoreOptions } from './s3.js';

const ACCEPTED = 'unset (blobs in the local folder) or s3://<bucket>[/<prefix>]';

export const ARTIFACTS_ENV = 'CRUCIBLE_ARTIFACTS';
export const PRIVATE_ARTIFACTS_ENV = 'CRUCIBLE_PRIVATE_ARTIFACTS';
/** The private store's prefix when it is derived from CRUCIBLE_ARTIFACTS's bucket. */
const DERIVED_PRIVATE_PREFIX = 'private';

/** A store setting as parsed: a folder, or an S3 bucket and prefix. */
type StoreLocation = { kind: 'file'; dir: string } | { kind: 's3'; bucket: string; prefix: string };

/**
 * The artifact store a worker should use, from its environment:
 * - CRUCIBLE_ARTIFACTS unset (or empty): a FileArtifactStore in `defaultDir`;
 * - CRUCIBLE_ARTIFACTS=s3://bucket/prefix: an S3ArtifactStore, with CRUCIBLE_S3_ENDPOINT (optional, for
 *   MinIO/moto/other S3-compatible servers; path-style addressing then), AWS_REGION (default us-east-1).
 *   Credentials are not read here: the AWS SDK takes them from the process's own environment
 *   (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY) or its other standard sources.
 * Anything else throws an ArtifactError naming CRUCIBLE_ARTIFACTS and the accepted forms.
 */
export function openArtifactStore(env: NodeJS.ProcessEnv = process.env, defaultDir: string): ArtifactStore {
  return openLocation(env, parseLocation(ARTIFACTS_ENV, env[ARTIFACTS_ENV], defaultDir));
}

/**
 * The private store: a task's answers, leaderboard and private folder (tasks/taskFiles.ts), which only
 * the client that starts a run and the control worker use; exec workers are never given it.
 * CRUCIBLE_PRIVATE_ARTIFACTS takes the forms of CRUCIBLE_ARTIFACTS. Unset: the folder `defaultDir` when
 * CRUCIBLE_ARTIFACTS is a folder, else CRUCIBLE_ARTIFACTS's bucket with the prefix `private`, so that
 * one bucket holds both and an exec worker's key can be limited to the public prefix. Either way it
 * must not lie inside the public store (nor the public store inside it): exec workers read that one.
 */
export function openPrivateArtifactStore(env: NodeJS.ProcessEnv = process.env, defaultDir: string, publicDefaultDir: string): ArtifactStore {
  const pub = parseLocation(ARTIFACTS_ENV, env[ARTIFACTS_ENV], publicDefaultDir);
  const own = env[PRIVATE_ARTIFACTS_ENV]?.trim();
  const location: StoreLocation = own || pub.kind === 'file'
    ? parseLocation(PRIVATE_ARTIFACTS_ENV, own, defaultDir)
    : { kind: 's3', bucket: pub.bucket, prefix: DERIVED_PRIVATE_PREFIX };
  const overlap = overlapOf(pub, location);
  if (overlap !== null) {
    throw new ArtifactError(
      `${PRIVATE_ARTIFACTS_ENV} (${overlap.private}) must not overlap ${ARTIFACTS_ENV} (${overlap.public}): exec workers read the public store, `
      + `and the private one holds answers; give it another folder or prefix${own ? '' : ` (unset, it is ${overlap.private})`}`,
    );
  }
  return openLocation(env, location);
}

function parseLocation(variable: string, value: string | undefined, defaultDir: string): StoreLocation {
  const setting = value?.trim();
  if (!setting) return { kind: 'file', dir: defaultDir };
  const m = /^[sS]3:\/\/([^/]*)(?:\/(.*))?$/.exec(setting);
  if (!m) throw new ArtifactError(`${variable} must be ${ACCEPTED}; got ${JSON.stringify(redactUserInfo(setting))}`);
  const bucket = m[1] ?? '';
  const prefix = (m[2] ?? '').replace(/^\/+|\/+$/g, '');
  if (bucket.includes('@')) {
    throw new ArtifactError(`${variable} must not hold credentials; set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the worker's environment`);
  }
  if (!/^[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]$/.test(bucket)) {
    throw new ArtifactError(`${variable} must be ${ACCEPTED}, with a bucket name of 3-63 lowercase letters, digits, '.', '-' or '_'; got ${JSON.stringify(setting)}`);
  }
  if (/\/\/|(^|\/)\.\.?(\/|$)/.test(prefix)) {
    throw new ArtifactError(`${variable} prefix must not contain empty, '.' or '..' segments; got ${JSON.stringify(setting)}`);
  }
  return { kind: 's3', bucket, prefix };
}

function openLocation(env: NodeJS.ProcessEnv, location: StoreLocation): ArtifactStore {
  if (location.kind === 'file') return new FileArtifactStore(location.dir);
  const endpoint = env.CRUCIBLE_S3_ENDPOINT?.trim() || undefined;
  if (endpoint !== undefined) checkEndpoint(endpoint);
  const region = env.AWS_REGION?.trim() || 'us-east-1';
  return new S3ArtifactStore({ bucket: location.bucket, prefix: location.prefix, endpoint, region });
}

/**
 * Where two locations overlap (the same place, or one inside the other), in words; null when apart.
 * An S3 store's blobs lie under `<prefix>/<ab>/`, so a public store at the top of the bucket does not
 * hold a private prefix of another name, but one at the same prefix, or above it by a named folder, would.
 */
function overlapOf(pub: StoreLocation, priv: StoreLocation): { public: string; private: string } | null {
  if (pub.kind === 'file' && priv.kind === 'file') {
    const [a, b] = [path.resolve(pub.dir), path.resolve(priv.dir)];
    return within(b, a) || within(a, b) ? { public: a, private: b } : null;
  }
  if (pub.kind !== 's3' || priv.kind !== 's3' || pub.bucket !== priv.bucket) return null;
  const inside = (a: string, b: string) => a === b || (b !== '' && a.startsWith(`${b}/`));
  return inside(priv.prefix, pub.prefix) || inside(pub.prefix, priv.prefix)
    ? { public: `s3://${pub.bucket}/${pub.prefix}`, private: `s3://${priv.bucket}/${priv.prefix}` }
    : null;
}

function within(child: string, root: string): boolean {
  const rel = path.relative(root, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

function checkEndpoint(endpoint: string): void {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new ArtifactError(`CRUCIBLE_S3_ENDPOINT must be an http:// or https:// URL such as http://127.0.0.1:9000; got ${JSON.stringify(redactUserInfo(endpoint))}`);
  }
  if (url.username || url.password) {
    throw new ArtifactError('CRUCIBLE_S3_ENDPOINT must not hold credentials; set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the worker\'s environment');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ArtifactError(`CRUCIBLE_S3_ENDPOINT must be an http:// or https:// URL such as http://127.0.0.1:9000; got ${JSON.stringify(endpoint)}`);
  }
}

/** `scheme://user:pass@host/...` → `scheme://[redacted]@host/...`, so a mistaken setting is never echoed with its secret. */
function redactUserInfo(value: string): string {
  return value.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1[redacted]@');
}

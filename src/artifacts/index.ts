import { S3ArtifactStore } from './s3.js';
import { ArtifactError, FileArtifactStore, type ArtifactStore } from './store.js';

export {
  ArtifactCorruptError, ArtifactError, ArtifactMissingError, FileArtifactStore, type ArtifactKey, type ArtifactStore,
} from './store.js';
export { S3ArtifactStore, type S3ArtifactStoreOptions } from './s3.js';

const ACCEPTED = 'unset (blobs in the local folder) or s3://<bucket>[/<prefix>]';

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
  const setting = env.CRUCIBLE_ARTIFACTS?.trim();
  if (!setting) return new FileArtifactStore(defaultDir);

  const m = /^[sS]3:\/\/([^/]*)(?:\/(.*))?$/.exec(setting);
  if (!m) throw new ArtifactError(`CRUCIBLE_ARTIFACTS must be ${ACCEPTED}; got ${JSON.stringify(redactUserInfo(setting))}`);
  const bucket = m[1] ?? '';
  const prefix = (m[2] ?? '').replace(/^\/+|\/+$/g, '');
  if (bucket.includes('@')) {
    throw new ArtifactError('CRUCIBLE_ARTIFACTS must not hold credentials; set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the worker\'s environment');
  }
  if (!/^[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]$/.test(bucket)) {
    throw new ArtifactError(`CRUCIBLE_ARTIFACTS must be ${ACCEPTED}, with a bucket name of 3-63 lowercase letters, digits, '.', '-' or '_'; got ${JSON.stringify(setting)}`);
  }
  if (/\/\/|(^|\/)\.\.?(\/|$)/.test(prefix)) {
    throw new ArtifactError(`CRUCIBLE_ARTIFACTS prefix must not contain empty, '.' or '..' segments; got ${JSON.stringify(setting)}`);
  }

  const endpoint = env.CRUCIBLE_S3_ENDPOINT?.trim() || undefined;
  if (endpoint !== undefined) checkEndpoint(endpoint);
  const region = env.AWS_REGION?.trim() || 'us-east-1';
  return new S3ArtifactStore({ bucket, prefix, endpoint, region });
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

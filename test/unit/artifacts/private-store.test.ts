import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openPrivateArtifactStore } from '../../../src/artifacts/index.js';

const open = (env: NodeJS.ProcessEnv) => openPrivateArtifactStore(env, '/state/private-artifacts', '/state/artifacts');

describe('CRUCIBLE_PRIVATE_ARTIFACTS (the store of task answers, never given to exec workers)', () => {
  it('unset: the private folder beside a folder store, or the prefix `private` of CRUCIBLE_ARTIFACTS\'s bucket', () => {
    expect(open({}).location).toBe('/state/private-artifacts');
    expect(open({ CRUCIBLE_ARTIFACTS: 's3://crucible/artifacts' }).location).toBe('s3://crucible/private');
    expect(open({ CRUCIBLE_ARTIFACTS: 's3://crucible' }).location).toBe('s3://crucible/private');
  });

  it('takes a folder store\'s default or an s3:// location of its own', () => {
    expect(open({ CRUCIBLE_ARTIFACTS: 's3://crucible/artifacts', CRUCIBLE_PRIVATE_ARTIFACTS: 's3://answers/crucible/' }).location).toBe('s3://answers/crucible');
    expect(open({ CRUCIBLE_PRIVATE_ARTIFACTS: ' s3://crucible/private ' }).location).toBe('s3://crucible/private');
  });

  it('a malformed value is an error naming the variable and the accepted forms', () => {
    expect(() => open({ CRUCIBLE_PRIVATE_ARTIFACTS: '/srv/private' })).toThrow(
      'CRUCIBLE_PRIVATE_ARTIFACTS must be unset (blobs in the local folder) or s3://<bucket>[/<prefix>]; got "/srv/private"',
    );
    expect(() => open({ CRUCIBLE_PRIVATE_ARTIFACTS: 's3://Bad_Bucket/x' })).toThrow(/^CRUCIBLE_PRIVATE_ARTIFACTS must be .*bucket name/);
    expect(() => open({ CRUCIBLE_PRIVATE_ARTIFACTS: 's3://key:secret@crucible/private' })).toThrow('CRUCIBLE_PRIVATE_ARTIFACTS must not hold credentials');
    expect(() => open({ CRUCIBLE_PRIVATE_ARTIFACTS: 's3://crucible/a/../b' })).toThrow('CRUCIBLE_PRIVATE_ARTIFACTS prefix must not contain');
  });

  it('refuses a private store that overlaps the public one, which exec workers read', () => {
    expect(() => open({ CRUCIBLE_ARTIFACTS: 's3://crucible/artifacts', CRUCIBLE_PRIVATE_ARTIFACTS: 's3://crucible/artifacts/private' })).toThrow(
      'CRUCIBLE_PRIVATE_ARTIFACTS (s3://crucible/artifacts/private) must not overlap CRUCIBLE_ARTIFACTS (s3://crucible/artifacts)',
    );
    expect(() => open({ CRUCIBLE_ARTIFACTS: 's3://crucible/private/blobs' })).toThrow(
      /must not overlap CRUCIBLE_ARTIFACTS \(s3:\/\/crucible\/private\/blobs\).*\(unset, it is s3:\/\/crucible\/private\)$/,
    );
    expect(() => openPrivateArtifactStore({}, '/state/artifacts/private', '/state/artifacts')).toThrow(
      `CRUCIBLE_PRIVATE_ARTIFACTS (${path.resolve('/state/artifacts/private')}) must not overlap CRUCIBLE_ARTIFACTS`,
    );
    // Another bucket, or a sibling prefix, is apart.
    expect(open({ CRUCIBLE_ARTIFACTS: 's3://crucible/artifacts', CRUCIBLE_PRIVATE_ARTIFACTS: 's3://crucible/artifacts-private' }).location)
      .toBe('s3://crucible/artifacts-private');
  });
});

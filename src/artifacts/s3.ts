import {
  AbortMultipartUploadCommand, CompleteMultipartUploadCommand, CreateMultipartUploadCommand, GetObjectCommand, HeadObjectCommand,
  PutObjectCommand, S3Client, UploadPartCommand,
} from '@aws-sdk/client-s3';
import { createReadStream, type ReadStream } from 'node:fs';
import type { ArtifactRef } from '../core/artifact.js';
import {
  ArtifactError, ArtifactMissingError, checkFound, checkHash, describeContent, describeFile, sha256Of, sha256OfStream, writeVerified,
  type ArtifactKey, type ArtifactStore,
} from './store.js';

/** Part size of multipart uploads: S3 takes at most 5 GiB in one PutObject, and parts of 5 MiB to 5 GiB. */
const PART_BYTES = 64 * 1024 ** 2;

export interface S3ArtifactStoreOptions {
  bucket: string;
  /** Key prefix without leading or trailing slashes; '' stores blobs at the top of the bucket. */
  prefix?: string;
  /** An S3-compatible endpoint (MinIO, moto, Ceph, R2, ...); unset means AWS S3 itself. */
  endpoint?: string;
  /** Defaults to us-east-1. */
  region?: string;
  /**
   * Path-style addressing (`<endpoint>/<bucket>/<key>`), which MinIO and moto need.
   * Defaults to true when `endpoint` is set, false for AWS S3.
   */
  forcePathStyle?: boolean;
  /**
   * Explicit credentials, for tests. Leave unset in workers: the SDK then reads
   * AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (and its other standard sources) from the process itself.
   */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** Files larger than this are uploaded in parts of this size (default 64 MiB; S3's least is 5 MiB). */
  partBytes?: number;
}

/**
 * Content-addressed blob store in an S3 bucket: `<prefix>/<ab>/<sha256>`.
 *
 * A PutObject is atomic (readers see all of the object or none of it), so no temp key is needed; `put`
 * skips the upload when HeadObject shows an object of the right size already there. Every read (`get`,
 * `getText`, `verify`) hashes and measures what it downloaded, so a corrupted or foreign object is reported
 * (ArtifactCorruptError) instead of used, and an absent one as an ArtifactMissingError. Error messages carry the
 * operation, key, S3 error name and HTTP status, never credentials or the raw SDK error.
 */
export class S3ArtifactStore implements ArtifactStore {
  readonly bucket: string;
  readonly prefix: string;
  readonly location: string;
  /** The SDK client (exposed for tests and for closing it with `destroy()`). */
  readonly client: S3Client;
  readonly #secrets: string[];
  readonly #partBytes: number;

  constructor(opts: S3ArtifactStoreOptions) {
    if (!opts.bucket) throw new ArtifactError('S3ArtifactStore needs a bucket');
    this.#partBytes = opts.partBytes ?? PART_BYTES;
    this.bucket = opts.bucket;
    this.prefix = (opts.prefix ?? '').replace(/^\/+|\/+$/g, '');
    this.location = `s3://${this.bucket}${this.prefix ? `/${this.prefix}` : ''}`;
    this.#secrets = [opts.credentials?.secretAccessKey, opts.credentials?.sessionToken].filter((s): s is string => !!s);
    this.client = new S3Client({
      region: opts.region ?? 'us-east-1',
      ...(opts.endpoint ? { endpoint: opts.endpoint } : {}),
      forcePathStyle: opts.forcePathStyle ?? !!opts.endpoint,
      ...(opts.credentials ? { credentials: opts.credentials } : {}),
      // Our own sha256 check covers integrity; the SDK's default extra CRC checksums are not understood
      // by every S3-compatible server, so send and check them only where an operation requires them.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      requestHandler: { connectionTimeout: 10_000, requestTimeout: 120_000 },
    });
  }

  keyOf(sha256: string): string {
    checkHash(sha256);
    return `${this.prefix ? `${this.prefix}/` : ''}${sha256.slice(0, 2)}/${sha256}`;
  }

  async put(content: string | Buffer): Promise<ArtifactRef> {
    const { buf, ref } = describeContent(content);
    const key = this.keyOf(ref.sha256);
    if (!(await this.#existsWithSize(key, buf.length))) {
      try {
        await this.client.send(new PutObjectCommand({
          Bucket: this.bucket, Key: key, Body: buf, ContentLength: buf.length, ContentType: 'application/octet-stream',
        }));
      } catch (err) {
        throw this.#failure('upload', key, err);
      }
    }
    return ref;
  }

  async putFile(file: string): Promise<ArtifactRef> {
    const ref = await describeFile(file);
    const key = this.keyOf(ref.sha256);
    if (await this.#existsWithSize(key, ref.bytes)) return ref;
    const body = (start: number, bytes: number) => createReadStream(file, { start, end: start + bytes - 1, highWaterMark: 1 << 20 });
    try {
      if (ref.bytes <= this.#partBytes) {
        await this.client.send(new PutObjectCommand({
          Bucket: this.bucket, Key: key, Body: ref.bytes === 0 ? Buffer.alloc(0) : body(0, ref.bytes), ContentLength: ref.bytes,
          ContentType: 'application/octet-stream',
        }));
      } else {
        await this.#putInParts(key, ref.bytes, body);
      }
    } catch (err) {
      throw this.#failure('upload', key, err);
    }
    return ref;
  }

  /** A multipart upload, one part streamed at a time; an upload that fails is aborted so that no parts linger. */
  async #putInParts(key: string, bytes: number, body: (start: number, bytes: number) => ReadStream): Promise<void> {
    const { UploadId } = await this.client.send(new CreateMultipartUploadCommand({ Bucket: this.bucket, Key: key, ContentType: 'application/octet-stream' }));
    try {
      const parts: { ETag: string | undefined; PartNumber: number }[] = [];
      for (let start = 0, n = 1; start < bytes; start += this.#partBytes, n++) {
        const size = Math.min(this.#partBytes, bytes - start);
        const { ETag } = await this.client.send(new UploadPartCommand({
          Bucket: this.bucket, Key: key, UploadId, PartNumber: n, Body: body(start, size), ContentLength: size,
        }));
        parts.push({ ETag, PartNumber: n });
      }
      await this.client.send(new CompleteMultipartUploadCommand({ Bucket: this.bucket, Key: key, UploadId, MultipartUpload: { Parts: parts } }));
    } catch (err) {
      await this.client.send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: key, UploadId })).catch(() => undefined);
      throw err;
    }
  }

  async has(ref: { sha256: string; bytes: number }): Promise<boolean> {
    return this.#existsWithSize(this.keyOf(ref.sha256), ref.bytes);
  }

  async getFile(ref: ArtifactKey, file: string): Promise<void> {
    const key = this.keyOf(ref.sha256);
    try {
      await writeVerified((await this.#download(ref, key)) as unknown as AsyncIterable<Uint8Array>, file, ref, `object ${this.#url(key)}`);
    } catch (err) {
      throw this.#readFailure(ref, key, err);
    }
  }

  async get(ref: ArtifactKey): Promise<Buffer> {
    const key = this.keyOf(ref.sha256);
    let buf: Buffer;
    try {
      buf = Buffer.from(await (await this.#download(ref, key)).transformToByteArray());
    } catch (err) {
      throw this.#readFailure(ref, key, err);
    }
    checkFound(ref, `object ${this.#url(key)}`, { sha256: sha256Of(buf), bytes: buf.length });
    return buf;
  }

  async getText(ref: ArtifactKey): Promise<string> {
    return (await this.get(ref)).toString('utf8');
  }

  async verify(ref: ArtifactKey): Promise<void> {
    const key = this.keyOf(ref.sha256);
    let found: { sha256: string; bytes: number };
    try {
      // In Node the body is a Readable: hash it as it arrives instead of holding the whole object.
      found = await sha256OfStream((await this.#download(ref, key)) as unknown as AsyncIterable<Uint8Array>);
    } catch (err) {
      throw this.#readFailure(ref, key, err);
    }
    checkFound(ref, `object ${this.#url(key)}`, found);
  }

  async #download(ref: ArtifactKey, key: string) {
    const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
    if (!out.Body) throw new ArtifactError(`S3 download of ${this.#url(key)} (artifact ${ref.sha256}) returned no body`);
    return out.Body;
  }

  #readFailure(ref: ArtifactKey, key: string, err: unknown): ArtifactError {
    if (err instanceof ArtifactError) return err;
    if (errorName(err) === 'NoSuchKey' || (httpStatus(err) === 404 && errorName(err) !== 'NoSuchBucket')) {
      return new ArtifactMissingError(ref.sha256, `object ${this.#url(key)}`, this.location);
    }
    return this.#failure('download', key, err);
  }

  /** True when the object exists with exactly `bytes` bytes; false when it is absent or has another size. */
  async #existsWithSize(key: string, bytes: number): Promise<boolean> {
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return head.ContentLength === bytes;
    } catch (err) {
      // 404: absent. 403: without s3:ListBucket, S3 answers 403 for a missing key; the upload decides.
      const status = httpStatus(err);
      if ((status === 404 && errorName(err) !== 'NoSuchBucket') || status === 403) return false;
      throw this.#failure('existence check', key, err);
    }
  }

  #url(key: string): string {
    return `s3://${this.bucket}/${key}`;
  }

  /** An ArtifactError that says what failed, without the SDK error object (no cause: it may carry request details). */
  #failure(op: string, key: string, err: unknown): ArtifactError {
    const name = errorName(err) ?? 'Error';
    const status = httpStatus(err);
    let detail = err instanceof Error ? err.message : String(err);
    for (const secret of [...this.#secrets, process.env.AWS_SECRET_ACCESS_KEY, process.env.AWS_SESSION_TOKEN]) {
      if (secret) detail = detail.split(secret).join('[redacted]');
    }
    if (detail.length > 300) detail = `${detail.slice(0, 300)}...`;
    return new ArtifactError(`S3 ${op} of ${this.#url(key)} failed: ${name}${status ? ` (HTTP ${status})` : ''}: ${detail}`);
  }
}

function errorName(err: unknown): string | undefined {
  return err instanceof Error ? err.name : undefined;
}

function httpStatus(err: unknown): number | undefined {
  const meta = (err as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata;
  return typeof meta?.httpStatusCode === 'number' ? meta.httpStatusCode : undefined;
}

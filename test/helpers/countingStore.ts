import { FileArtifactStore, type ArtifactKey, type ArtifactStore } from '../../src/artifacts/store.js';
import type { ArtifactRef } from '../../src/core/artifact.js';

/**
 * Test double of an ArtifactStore: a FileArtifactStore that counts what it is asked to store and fetch,
 * so a test can assert that a publish uploaded nothing or a worker downloaded nothing.
 */
export class CountingStoreDouble implements ArtifactStore {
  readonly inner: FileArtifactStore;
  /** Files handed to putFile (each is read, hashed, and copied unless the store holds it). */
  readonly putFiles: string[] = [];
  puts = 0;
  getFiles = 0;

  constructor(root: string) {
    this.inner = new FileArtifactStore(root);
  }

  get location(): string {
    return this.inner.location;
  }

  put(content: string | Buffer): Promise<ArtifactRef> {
    this.puts++;
    return this.inner.put(content);
  }

  putFile(file: string): Promise<ArtifactRef> {
    this.putFiles.push(file);
    return this.inner.putFile(file);
  }

  getFile(ref: ArtifactKey, file: string): Promise<void> {
    this.getFiles++;
    return this.inner.getFile(ref, file);
  }

  get(ref: ArtifactKey): Promise<Buffer> {
    return this.inner.get(ref);
  }

  getText(ref: ArtifactKey): Promise<string> {
    return this.inner.getText(ref);
  }

  verify(ref: ArtifactKey): Promise<void> {
    return this.inner.verify(ref);
  }

  has(ref: { sha256: string; bytes: number }): Promise<boolean> {
    return this.inner.has(ref);
  }
}

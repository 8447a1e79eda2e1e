/** A reference to a blob in the artifact store; history carries these, never the blob. */
export interface ArtifactRef {
  sha256: string;
  bytes: number;
  /** First characters of the blob, for humans reading history or the UI. */
  preview: string;
}

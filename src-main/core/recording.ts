/** A finished recording as the watcher reports it: a file identity plus its sidecar, if any. */
export interface FileIdentity {
  path: string;
  sizeBytes: number;
  mtimeMs: number;
}

export interface Sidecar {
  path: string;
  /** The parsed JSON, or null when the file is not valid JSON (see `problem`). */
  json: Record<string, unknown> | null;
  /**
   * The file's bytes as they were read, whenever `json` is set: what the destinations send, so the
   * sidecar is read once per upload and the copy stored is the one whose JSON the job used.
   */
  bytes?: Uint8Array;
  problem: string | null;
}

export interface Recording extends FileIdentity {
  sidecarPath: string | null;
}

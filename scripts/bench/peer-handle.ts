import { fileURLToPath } from 'node:url';
import { JsonLinesChild } from './json-lines-child.ts';

export type PeerMode = 'resumable' | 'single';

export interface StoredFile {
  fileId: string;
  fileName: string;
  path: string;
}

/** The storage API peer running in its own process (peer-process.ts), driven over JSON lines. */
export class PeerHandle {
  readonly mode: PeerMode;
  readonly baseUrl: string;
  readonly token: string;
  readonly #child: JsonLinesChild;

  private constructor(mode: PeerMode, child: JsonLinesChild, hello: { baseUrl: string; token: string }) {
    this.mode = mode;
    this.#child = child;
    this.baseUrl = hello.baseUrl;
    this.token = hello.token;
  }

  static async start(mode: PeerMode, storeDir: string): Promise<PeerHandle> {
    const script = fileURLToPath(new URL('./peer-process.ts', import.meta.url));
    const child = JsonLinesChild.server(`the ${mode} storage API peer`, script, [mode, storeDir]);
    try {
      return new PeerHandle(mode, child, await child.next<{ baseUrl: string; token: string }>());
    } catch (error) {
      child.kill();
      throw error;
    }
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  async stored(fileId: string): Promise<StoredFile> {
    const all = await this.#child.request<StoredFile[]>({ op: 'recordings' });
    const found = all.find((file) => file.fileId === fileId);
    if (found === undefined) throw new Error(`the ${this.mode} peer holds no recording ${fileId}`);
    return found;
  }

  async delete(fileId: string): Promise<void> {
    const answer = await this.#child.request<{ deleted: boolean }>({ op: 'delete', fileId });
    if (!answer.deleted) throw new Error(`the ${this.mode} peer could not delete recording ${fileId}`);
  }

  /** CPU seconds the peer process has used so far (user + system). */
  async cpuSeconds(): Promise<number> {
    return (await this.#child.request<{ seconds: number }>({ op: 'cpu' })).seconds;
  }

  async close(): Promise<void> {
    await this.#child.end();
  }

  kill(): void {
    this.#child.kill();
  }
}

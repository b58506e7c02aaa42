import type { JsonLinesChild } from './json-lines-child.ts';

/**
 * A cloud test server (Graph or Drive, with its identity provider) in a process of its own, so
 * its CPU and memory are not counted against the uploader. The line protocol is the same for
 * both: cpu, files, delete and token requests, answered as JSON lines.
 */
export class CloudPeerProcess {
  readonly settings: Record<string, string>;
  readonly #child: JsonLinesChild;
  readonly #label: string;

  protected constructor(child: JsonLinesChild, label: string, settings: Record<string, string>) {
    this.#child = child;
    this.#label = label;
    this.settings = settings;
  }

  async cpuSeconds(): Promise<number> {
    return (await this.#request<{ seconds: number }>({ op: 'cpu' })).seconds;
  }

  /** Where the server keeps the bytes of the file it stored under `id`. */
  async storedPath(id: string): Promise<string> {
    const files = await this.#request<Array<{ id: string; contentPath: string | null }>>({ op: 'files' });
    const file = files.find((f) => f.id === id);
    if (file?.contentPath == null) throw new Error(`${this.#label} holds no file ${id}`);
    return file.contentPath;
  }

  async discard(id: string): Promise<void> {
    await this.#request({ op: 'delete', id });
  }

  async token(): Promise<string> {
    return (await this.#request<{ accessToken: string }>({ op: 'token' })).accessToken;
  }

  close(): Promise<void> {
    return this.#child.end().then(() => {});
  }

  kill(): void {
    this.#child.kill();
  }

  async #request<T>(value: unknown): Promise<T> {
    const answer = await this.#child.request<T & { error?: string }>(value);
    if (answer.error !== undefined) throw new Error(`${this.#label}: ${answer.error}`);
    return answer;
  }
}

import { sharedBuffer } from './hashing-thread.ts';
import type { RecordingFile } from './recording-file.ts';

interface ReadAhead {
  start: number;
  length: number;
  read: Promise<Buffer>;
}

/**
 * Chunks of a recording in two alternating buffers: the one handed out last is being sent, the
 * other is read into ahead of time, so the disk works while the network does. Memory stays two
 * chunks, whatever the file size.
 *
 * The caller promises that, when it calls readAhead(), it no longer needs the bytes of the buffer
 * it was handed before the last one.
 */
export class ChunkReader {
  readonly #file: RecordingFile;
  readonly #buffers: [Buffer, Buffer];
  #handedOut = 0;
  #ahead: ReadAhead | null = null;

  constructor(file: RecordingFile, chunkBytes: number) {
    this.#file = file;
    // Shared memory: the hashing thread hashes a chunk where it was read, without a copy.
    this.#buffers = [sharedBuffer(chunkBytes), sharedBuffer(chunkBytes)];
  }

  /** Exactly [start, start + length), from the read-ahead when it guessed this chunk. */
  async read(start: number, length: number): Promise<Buffer> {
    const ahead = this.#ahead;
    this.#ahead = null;
    const spare = this.#spare();
    if (ahead !== null && ahead.start === start && ahead.length === length) {
      const bytes = await ahead.read;
      this.#handedOut = spare;
      return bytes;
    }
    // A guess that missed (the remote confirmed less than was sent) must be done with the
    // buffer before it is read into again.
    await ahead?.read.catch(() => {});
    const bytes = await this.#file.read(start, length, this.#buffers[spare]);
    this.#handedOut = spare;
    return bytes;
  }

  /** Starts reading the chunk the next read() is expected to ask for. */
  readAhead(start: number, length: number): void {
    const read = this.#file.read(start, length, this.#buffers[this.#spare()]);
    // Its failure is reported by the read() that takes it, or dropped with a guess that missed.
    read.catch(() => {});
    this.#ahead = { start, length, read };
  }

  /** Waits for a read still under way, so the file is never closed beneath one. */
  async settle(): Promise<void> {
    await this.#ahead?.read.catch(() => {});
  }

  #spare(): 0 | 1 {
    return this.#handedOut === 0 ? 1 : 0;
  }
}

import { parentPort } from 'node:worker_threads';
import type { HashAnswer, HashRequest } from './hash-thread-messages.ts';
import { MultiHash } from './hashers.ts';

/**
 * The hashing thread (started by hashing-thread.ts): keeps each upload's hashes and feeds them the
 * bytes the upload read, straight from the shared memory they were read into. Requests come in
 * order and are answered in order, so an update answered means its bytes are hashed and the
 * buffer may be read into again.
 */
const port = parentPort;
if (port === null) throw new Error('hash-worker.ts runs as a worker thread');

const hashes = new Map<number, MultiHash>();

function handle(request: HashRequest): HashAnswer {
  const { seq, id } = request;
  if (request.kind === 'open') {
    hashes.set(id, new MultiHash(request.names));
    return { seq, ok: true };
  }
  const hash = hashes.get(id);
  if (request.kind === 'close') {
    hashes.delete(id);
    return { seq, ok: true };
  }
  if (hash === undefined) return { seq, ok: false, message: `no hash ${id} is open` };
  if (request.kind === 'update') {
    hash.update(request.bytes);
    return { seq, ok: true };
  }
  hashes.delete(id);
  return { seq, ok: true, digest: hash.digest() };
}

port.on('message', (request: HashRequest) => {
  let answer: HashAnswer;
  try {
    answer = handle(request);
  } catch (error) {
    answer = { seq: request.seq, ok: false, message: error instanceof Error ? error.message : String(error) };
  }
  port.postMessage(answer);
});

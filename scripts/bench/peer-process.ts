import { startStoragePeer } from '../../tests/peers/storage-api-peer.ts';
import { serveJsonLines } from './json-lines-server.ts';

/**
 * The storage API peer in a process of its own, so its CPU and memory are not counted against
 * the uploader. Usage: `node peer-process.ts MODE STORE_DIR` where MODE is `resumable` (5 MiB
 * chunk_size) or `single`. Prints one JSON line `{baseUrl, token}`, then answers JSON-line
 * requests on stdin (`{"op":"recordings"}`, `{"op":"delete","fileId":…}`, `{"op":"cpu"}`) until
 * stdin closes.
 */
const [mode, storeDir] = process.argv.slice(2);
if ((mode !== 'resumable' && mode !== 'single') || storeDir === undefined) {
  process.stderr.write('usage: peer-process.ts resumable|single STORE_DIR\n');
  process.exit(2);
}

const peer = await startStoragePeer({
  chunkSize: mode === 'single' ? null : 5 * 1024 * 1024,
  storeDir,
  // A bench run is long; its sessions must not expire under it.
  sessionTtlMs: 24 * 60 * 60 * 1000,
});
process.stdout.write(`${JSON.stringify({ baseUrl: peer.baseUrl, token: peer.token })}\n`);

type Request = { op: 'recordings' } | { op: 'delete'; fileId: string } | { op: 'cpu' };

const answer = async (request: Request): Promise<unknown> => {
  if (request.op === 'cpu') {
    const { user, system } = process.cpuUsage();
    return { seconds: (user + system) / 1e6 };
  }
  if (request.op === 'recordings') {
    return peer.recordings().map((r) => ({ fileId: r.fileId, fileName: r.fileName, path: r.path }));
  }
  // Through the API itself, the way any client removes a recording.
  const response = await fetch(`${peer.baseUrl}/recordings/${encodeURIComponent(request.fileId)}`, {
    method: 'DELETE',
    headers: { authorization: `Bearer ${peer.token}` },
  });
  return { deleted: response.status === 204 };
};

serveJsonLines(answer, () => peer.close());

import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { curlFragments, type Fragment } from './curl-fragments.ts';
import type { PeerHandle } from './peer-handle.ts';
import type { TestFile } from './test-files.ts';

export interface CurlMeasurement {
  remoteId: string;
  /** The curl transfer only: session creation and finalize are not counted. */
  wallSeconds: number;
  /** curl's own user + system CPU, as the shell that ran it accounts it. */
  cpuSeconds: number | null;
  /** TCP connections curl opened, where counted (the chunked baseline). */
  connections: number | null;
}

/**
 * The baseline: the same file sent by curl in one request to the same kind of peer, the session
 * opened and finalized beside it. Against a resumable peer it is one PUT carrying the whole file
 * as its only (and so last) chunk, which the protocol allows; against a single-request peer it is
 * the multipart POST of docs/storage-api.md.
 */
export async function curlUpload(
  peer: PeerHandle,
  file: TestFile,
  recordingId: string,
): Promise<CurlMeasurement> {
  const fileName = basename(file.path);
  const sid = await createSession(peer, recordingId, fileName, file.sizeBytes);
  const target =
    peer.mode === 'resumable' ? putArgs(peer, sid, file) : multipartArgs(peer, sid, file, fileName);
  const started = performance.now();
  const { stdout, cpuSeconds } = await runCurl(
    ['--output', '/dev/null', '--write-out', '%{http_code}', '--header', 'Expect:', ...target],
    `Authorization: Bearer ${peer.token}`,
  );
  const wallSeconds = (performance.now() - started) / 1000;
  const status = Number(stdout.trim());
  const expected = peer.mode === 'resumable' ? [200, 201] : [200];
  if (!expected.includes(status)) throw new Error(`curl upload of ${fileName} answered HTTP ${status}`);
  const remoteId = await finalize(peer, sid, file);
  return { remoteId, wallSeconds, cpuSeconds, connections: null };
}

/**
 * The fair baseline for resumable mode: curl sending the uploader's own chunks (`fragments`, cut
 * beforehand) in order, one `PUT` each with its Content-Range, each waiting for the answer to the
 * one before, over one kept-alive connection; the session opened and finalized beside the timing.
 * The token goes in a header file inside the bench's private temp folder.
 */
export async function curlChunks(
  peer: PeerHandle,
  file: TestFile,
  fragments: readonly Fragment[],
  recordingId: string,
  workDir: string,
): Promise<CurlMeasurement> {
  const sid = await createSession(peer, recordingId, basename(file.path), file.sizeBytes);
  const headerFile = join(workDir, 'curl-authorization');
  await writeFile(headerFile, `Authorization: Bearer ${peer.token}\n`, { mode: 0o600 });
  const url = `${peer.baseUrl}/uploads/${encodeURIComponent(sid)}/file`;
  const sent = await curlFragments(url, fragments, file.sizeBytes, headerFile);
  const middle = sent.statuses.slice(0, -1);
  const last = sent.statuses.at(-1);
  if (middle.some((status) => status !== 308) || (last !== 200 && last !== 201)) {
    throw new Error(
      `curl's chunks to the storage API were answered ${[...new Set(sent.statuses)].join(', ')}`,
    );
  }
  const remoteId = await finalize(peer, sid, file);
  return {
    remoteId,
    wallSeconds: sent.wallSeconds,
    cpuSeconds: sent.cpuSeconds,
    connections: sent.connections,
  };
}

function putArgs(peer: PeerHandle, sid: string, file: TestFile): string[] {
  return [
    '--upload-file',
    file.path,
    '--header',
    `Content-Range: bytes 0-${file.sizeBytes - 1}/${file.sizeBytes}`,
    '--header',
    'Content-Type: application/octet-stream',
    `${peer.baseUrl}/uploads/${encodeURIComponent(sid)}/file`,
  ];
}

function multipartArgs(peer: PeerHandle, sid: string, file: TestFile, fileName: string): string[] {
  return [
    '--form',
    'file_type=video',
    '--form',
    `file=@${file.path};filename=${fileName};type=application/octet-stream`,
    `${peer.baseUrl}/uploads/${encodeURIComponent(sid)}/file`,
  ];
}

/**
 * Runs curl under bash so that `times` can report curl's CPU. A header that carries a token goes
 * in on stdin (`--header @-`), never on a command line other processes can read. Node answers
 * `Expect: 100-continue` at once, but the uploader's fetch never sends it: callers turn it off
 * (`--header Expect:`) so curl does not wait for it either.
 */
export function runCurl(
  args: readonly string[],
  secretHeader: string | null,
): Promise<{ stdout: string; cpuSeconds: number | null }> {
  const all = ['--silent', '--show-error', ...(secretHeader === null ? [] : ['--header', '@-']), ...args];
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', 'curl "$@"; code=$?; times >&2; exit $code', 'curl', ...all], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      stdout += text;
    });
    child.stderr.setEncoding('utf8').on('data', (text: string) => {
      stderr += text;
    });
    child.on('error', (error) => reject(new Error(`curl could not be started: ${error.message}`)));
    child.on('exit', (code) => {
      if (code !== 0) {
        reject(new Error(`curl exited with ${code}: ${stderr.trim()}`));
        return;
      }
      resolve({ stdout, cpuSeconds: childCpu(stderr) });
    });
    child.stdin.end(secretHeader === null ? '' : `${secretHeader}\n`);
  });
}

/** The second line of bash's `times`: user and system time of its children ("0m1.234s 0m0.567s"). */
function childCpu(stderr: string): number | null {
  const lines = stderr.trim().split('\n');
  const match = /^(\d+)m([\d.]+)s (\d+)m([\d.]+)s$/.exec(lines[lines.length - 1]?.trim() ?? '');
  if (match === null) return null;
  const [, um = '0', us = '0', sm = '0', ss = '0'] = match;
  return Number(um) * 60 + Number(us) + Number(sm) * 60 + Number(ss);
}

async function createSession(
  peer: PeerHandle,
  recordingId: string,
  fileName: string,
  size: number,
): Promise<string> {
  const answer = await call(peer, '/uploads/create-session', {
    session_id: recordingId,
    file_name: fileName,
    file_size: size,
    connection_info: null,
    metadata: null,
  });
  return String(answer.session_id);
}

async function finalize(peer: PeerHandle, sid: string, file: TestFile): Promise<string> {
  const answer = await call(peer, `/uploads/${encodeURIComponent(sid)}/finalize`, {
    file_size: file.sizeBytes,
    sha256: file.sha256,
  });
  return String(answer.file_id);
}

async function call(peer: PeerHandle, path: string, body: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(`${peer.baseUrl}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${peer.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`POST ${path} answered ${response.status}: ${text}`);
  return JSON.parse(text) as Record<string, unknown>;
}

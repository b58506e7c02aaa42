import { mkdir, open } from 'node:fs/promises';
import { join } from 'node:path';
import { runCurl } from './curl-upload.ts';
import type { TestFile } from './test-files.ts';

export interface Fragment {
  path: string;
  /** First and last byte of the recording this fragment holds. */
  start: number;
  end: number;
}

export interface FragmentsSent {
  /** The curl run only: opening the session and checking the result are not counted. */
  wallSeconds: number;
  cpuSeconds: number | null;
  /** Each fragment's HTTP status, in order. */
  statuses: number[];
  /** The last fragment's answer (the stored item, for Graph and Drive). */
  lastBody: string;
  /** TCP connections curl opened for the whole run: 1 when it kept one alive throughout. */
  connections: number;
}

/**
 * Cuts a test file into files of `fragmentBytes` (the last one shorter), once, before anything is
 * timed. curl cannot send a byte range of one file as a request body, so this is how it sends the
 * same fragments the uploader sends: each one read from disk (the page cache) as it goes out.
 */
export async function cutFragments(file: TestFile, fragmentBytes: number, dir: string): Promise<Fragment[]> {
  await mkdir(dir, { recursive: true });
  const source = await open(file.path, 'r');
  const buffer = Buffer.allocUnsafe(fragmentBytes);
  const fragments: Fragment[] = [];
  try {
    for (let start = 0; start < file.sizeBytes; start += fragmentBytes) {
      const length = Math.min(fragmentBytes, file.sizeBytes - start);
      const { bytesRead } = await source.read(buffer, 0, length, start);
      if (bytesRead !== length) throw new Error(`${file.path} is shorter than ${file.sizeBytes} bytes`);
      const path = join(dir, `fragment-${String(fragments.length).padStart(5, '0')}`);
      const out = await open(path, 'wx');
      try {
        await out.write(buffer, 0, length);
      } finally {
        await out.close();
      }
      fragments.push({ path, start, end: start + length - 1 });
    }
  } finally {
    await source.close();
  }
  return fragments;
}

/**
 * One curl process sends every fragment in order to an upload session URL, one `PUT` each with
 * its `Content-Range`, over one kept-alive connection (`--next` keeps curl's connection pool), and
 * waits for each answer before the next fragment, as the protocol demands: the same requests the
 * uploader makes, with none of its reading, hashing and bookkeeping.
 */
export async function curlFragments(
  url: string,
  fragments: readonly Fragment[],
  totalBytes: number,
  headerFile: string | null = null,
): Promise<FragmentsSent> {
  const last = fragments.length - 1;
  // A header that carries a token comes from a file (`--header @file`), never a command line
  // other processes can read; each `--next` group needs it again.
  const secret = headerFile === null ? [] : ['--header', `@${headerFile}`];
  const args = fragments.flatMap((fragment, index) => [
    ...(index === 0 ? [] : ['--next', '--silent', '--show-error']),
    ...secret,
    '--upload-file',
    fragment.path,
    '--header',
    `Content-Range: bytes ${fragment.start}-${fragment.end}/${totalBytes}`,
    '--header',
    'Content-Type: application/octet-stream',
    '--header',
    'Expect:',
    // Only the last answer is kept: it describes the stored file.
    '--output',
    index === last ? '-' : '/dev/null',
    '--write-out',
    `${index === last ? '\\n' : ''}%{http_code} %{num_connects}\\n`,
    url,
  ]);
  const started = performance.now();
  const { stdout, cpuSeconds } = await runCurl(args, null);
  const wallSeconds = (performance.now() - started) / 1000;
  // One "status connects" line per fragment; the last answer's body sits before the last line.
  const lines = stdout.trimEnd().split('\n');
  const counted = [...lines.slice(0, last), lines.at(-1) ?? ''];
  const counters = counted.map((line) => line.split(' ').map(Number));
  const lastBody = lines.slice(last, -1).join('\n');
  return {
    wallSeconds,
    cpuSeconds,
    statuses: counters.map(([status]) => status ?? 0),
    lastBody,
    connections: counters.reduce((sum, [, connects]) => sum + (connects ?? 0), 0),
  };
}

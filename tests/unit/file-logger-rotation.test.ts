import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFileLogger } from '../../src-main/core/logging/file-logger.ts';

const linesOf = async (file: string): Promise<Array<{ message: string }>> =>
  (await readFile(file, 'utf8'))
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));

describe('file logger rotation', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'log-rotation-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('rotates before a file passes the limit and keeps only the newest files', async () => {
    const maxBytes = 4096;
    const logger = createFileLogger({ dir, maxBytes, keepFiles: 3 });
    for (let n = 0; n < 200; n++) logger.info(`line ${n} ${'x'.repeat(60)}`, { n });
    await logger.close();

    expect((await readdir(dir)).sort()).toEqual(['uploader.log', 'uploader.log.1', 'uploader.log.2']);
    for (const name of ['uploader.log', 'uploader.log.1', 'uploader.log.2']) {
      expect((await stat(join(dir, name))).size).toBeLessThanOrEqual(maxBytes);
    }

    // Oldest file first: the kept lines are one unbroken run that ends with the last line written.
    const kept = [
      ...(await linesOf(join(dir, 'uploader.log.2'))),
      ...(await linesOf(join(dir, 'uploader.log.1'))),
      ...(await linesOf(join(dir, 'uploader.log'))),
    ].map((entry) => Number(entry.message.split(' ')[1]));
    expect(kept.at(-1)).toBe(199);
    expect(kept[0]).toBeGreaterThan(0);
    expect(kept).toEqual(kept.map((_, i) => (kept[0] ?? 0) + i));
  });

  it('rotates a file that is already over the limit when logging starts again', async () => {
    await writeFile(join(dir, 'uploader.log'), `${'{"old":true}\n'.repeat(400)}`);
    const logger = createFileLogger({ dir, maxBytes: 2048 });
    logger.warn('first line of the new run');
    await logger.close();

    expect((await readFile(join(dir, 'uploader.log.1'), 'utf8')).startsWith('{"old":true}')).toBe(true);
    expect((await linesOf(join(dir, 'uploader.log'))).map((e) => e.message)).toEqual([
      'first line of the new run',
    ]);
  });

  it('defaults to rotating at 5 MiB', async () => {
    await writeFile(join(dir, 'uploader.log'), Buffer.alloc(5 * 1024 * 1024 - 100, 0x20));
    const logger = createFileLogger({ dir });
    logger.info('fits under the limit');
    expect(await readdir(dir)).toEqual(['uploader.log']);
    logger.info(`does not fit ${'y'.repeat(100)}`);
    await logger.close();
    expect((await readdir(dir)).sort()).toEqual(['uploader.log', 'uploader.log.1']);
  });
});

import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFileLogger } from '../../src-main/core/logging/file-logger.ts';

const loggerModule = pathToFileURL(
  join(import.meta.dirname, '../../src-main/core/logging/file-logger.ts'),
).href;

const entriesIn = async (dir: string): Promise<Array<Record<string, unknown>>> =>
  (await readFile(join(dir, 'uploader.log'), 'utf8'))
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));

describe('file logger lines', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'log-lines-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes one JSON object per line with time, level, message and fields', async () => {
    const logger = createFileLogger({ dir, now: () => new Date('2024-10-26T15:00:22.123Z') });
    logger.info('upload finished', { jobId: 7, file: 'session_1.mp4', verified: true, skipped: undefined });
    logger.error('no fields here');
    await logger.close();

    expect(await entriesIn(dir)).toEqual([
      {
        time: '2024-10-26T15:00:22.123Z',
        level: 'info',
        message: 'upload finished',
        fields: { jobId: 7, file: 'session_1.mp4', verified: true },
      },
      { time: '2024-10-26T15:00:22.123Z', level: 'error', message: 'no fields here' },
    ]);
    expect((await stat(join(dir, 'uploader.log'))).mode & 0o777).toBe(0o600);
  });

  it('drops lines below the chosen level', async () => {
    const logger = createFileLogger({ dir, level: 'warn' });
    logger.debug('d');
    logger.info('i');
    logger.warn('w');
    logger.error('e');
    await logger.close();
    expect((await entriesIn(dir)).map((e) => e.level)).toEqual(['warn', 'error']);
  });

  it('redacts credentials in messages, field values and credential-named fields', async () => {
    const echoed: string[] = [];
    const logger = createFileLogger({ dir, echo: (line) => echoed.push(line) });
    logger.warn('storage API said 401 to Bearer tk-secret-1', {
      url: 'https://api.example/cb?access_token=tk-secret-2&x=1',
      token: 'tk-secret-3',
      body: '{"refresh_token":"tk-secret-4"}',
    });
    await logger.close();

    const text = await readFile(join(dir, 'uploader.log'), 'utf8');
    const both = `${text}\n${echoed.join('\n')}`;
    expect(both).not.toMatch(/tk-secret/);
    const [entry] = await entriesIn(dir);
    expect(entry?.message).toBe('storage API said 401 to Bearer [redacted]');
    expect(entry?.fields).toEqual({
      url: 'https://api.example/cb?access_token=[redacted]&x=1',
      token: '[redacted]',
      body: '{"refresh_token":"[redacted]"}',
    });
  });

  it('echoes a readable line for a terminal', async () => {
    const echoed: string[] = [];
    const logger = createFileLogger({
      dir,
      echo: (line) => echoed.push(line),
      now: () => new Date('2024-10-26T15:00:22.123Z'),
    });
    logger.info('recording ready', { file: 'a b.mp4', size: 10 });
    await logger.close();
    expect(echoed).toEqual(['2024-10-26T15:00:22.123Z INFO  recording ready file="a b.mp4" size=10']);
  });

  it('loses no line when the process exits or is killed right after logging', async () => {
    const endings = { exit: 'process.exit(3)', kill: "process.kill(process.pid, 'SIGKILL')" };
    for (const [folder, ending] of Object.entries(endings)) {
      const script = `
        const { createFileLogger } = await import(${JSON.stringify(loggerModule)});
        const logger = createFileLogger({ dir: ${JSON.stringify(join(dir, folder))} });
        for (let n = 0; n < 500; n++) logger.info('line ' + n);
        ${ending};
      `;
      const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
      expect(child.stderr).toBe('');
      expect(child.status === 3 || child.signal === 'SIGKILL').toBe(true);
      const entries = await entriesIn(join(dir, folder));
      expect(entries.map((e) => e.message)).toEqual(Array.from({ length: 500 }, (_, n) => `line ${n}`));
    }
  });

  it('keeps logging when the log folder is removed while running', async () => {
    const logger = createFileLogger({ dir: join(dir, 'logs') });
    logger.info('before');
    await rm(join(dir, 'logs'), { recursive: true });
    expect(() => logger.info('after')).not.toThrow();
    await logger.close();
    expect((await entriesIn(join(dir, 'logs'))).map((e) => e.message)).toEqual(['after']);
  });
});

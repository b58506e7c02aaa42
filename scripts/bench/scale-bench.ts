import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Locator } from 'playwright-core';
import { systemClock } from '../../src-main/core/host-services.ts';
import { openDatabase } from '../../src-main/core/store/database.ts';
import { SqliteJobStore } from '../../src-main/core/store/job-store.ts';
import { CORE_RUNTIME_FLAGS } from '../../src-main/core-process/core-runtime-flags.ts';
import { dataPaths } from '../../src-main/node-host/data-dir.ts';
import { ensureRendererBuild } from '../../tests/support/renderer-build.ts';
import { launchChromium } from '../../tests/support/ui-browser.ts';
import { jobRow } from '../../tests/support/ui-queue.ts';
import { JsonLinesChild } from './json-lines-child.ts';
import { procStatusBytes } from './measure-job.ts';

const REPO = resolve(import.meta.dirname, '../..');
/** One frame at 60 Hz; a frame that took more than one and a half is counted as dropped. */
const FRAME_MS = 1000 / 60;
const DROPPED_OVER_MS = FRAME_MS * 1.5;

export interface QueueAtStart {
  recordings: number;
  /** From start until the files already there were looked at. */
  scannedSeconds: number;
  /** From start until every one was queued, the watcher's settle time included. */
  queuedSeconds: number;
  settleSeconds: number;
}

export interface QueueInTheBrowser {
  jobs: number;
  /** From asking for the page to the newest recording's row and the totals shown. */
  paintMs: number;
  /** The page's own first contentful paint. */
  firstContentfulPaintMs: number | null;
  frames: number;
  medianFrameMs: number;
  longestFrameMs: number;
  droppedFrames: number;
  /** How far the scrolling went, in rows of the list. */
  rowsScrolled: number;
  /** The median frame with nothing scrolling: what this browser manages here at all. */
  idleMedianFrameMs: number;
  /** A brisk wheel scroll, 120 px a frame: its frames, median and longest frame, and dropped. */
  wheel: { frames: number; medianFrameMs: number; longestFrameMs: number; droppedFrames: number };
  /** The built headless host's peak resident set while serving it. */
  hostPeakRssBytes: number | null;
}

/**
 * Start-up and scale: `recordings` finished recordings already in the folder, scanned and queued
 * at start by the uploader core (queue-at-start-driver.ts); and the web UI's queue with `jobs`
 * jobs, served by the headless host as it ships (out/headless/main.js) to Chromium, measured for
 * its first paint and for the frames of a fast scroll through it.
 */
export async function queueAtStart(workDir: string, recordings: number): Promise<QueueAtStart> {
  const folder = join(workDir, 'recordings-at-start');
  mkdirSync(folder, { recursive: true });
  // Small files, last written a minute ago: finished recordings waiting for the uploader.
  const then = new Date(Date.now() - 60_000);
  for (let n = 1; n <= recordings; n += 1) {
    const path = join(folder, `session_${String(n).padStart(6, '0')}.mp4`);
    writeFileSync(path, `recording ${n}\n`);
    utimesSync(path, then, then);
  }
  const dataDir = join(workDir, 'data-queue-at-start');
  const script = resolve(import.meta.dirname, 'queue-at-start-driver.ts');
  const child = new JsonLinesChild(
    'the queue-at-start driver',
    script,
    ['--folder', folder, '--data-dir', dataDir, '--count', String(recordings)],
    process.env,
    CORE_RUNTIME_FLAGS,
  );
  try {
    const result = await child.next<Omit<QueueAtStart, 'recordings'> | { error: string }>();
    if ('error' in result) throw new Error(result.error);
    await child.exited();
    return { recordings, ...result };
  } finally {
    child.kill();
    rmSync(folder, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function queueInTheBrowser(workDir: string, jobs: number): Promise<QueueInTheBrowser> {
  const root = join(workDir, 'queue-in-the-browser');
  const folder = join(root, 'recordings');
  const dataDir = join(root, 'data');
  mkdirSync(folder, { recursive: true });
  seedJobs(dataDir, folder, jobs);
  const settings = join(root, 'settings.json');
  // Paused, so the list stays as it is while it is scrolled (the files do not exist).
  writeFileSync(
    settings,
    JSON.stringify({
      recordingsFolder: folder,
      storageApiBaseUrl: 'http://127.0.0.1:9/api',
      uploadsPaused: true,
    }),
  );
  execFileSync(process.execPath, [join(REPO, 'scripts/build-headless.ts'), '--if-stale'], {
    stdio: 'inherit',
  });
  const [, browser] = await Promise.all([ensureRendererBuild(), launchChromium()]);
  const host = spawn(
    process.execPath,
    [
      ...CORE_RUNTIME_FLAGS,
      join(REPO, 'out/headless/main.js'),
      'run',
      '--data-dir',
      dataDir,
      '--settings',
      settings,
      '--web-ui',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  try {
    const url = await webUiAddress(host);
    const context = await browser.newContext({
      viewport: { width: 1180, height: 760 },
      deviceScaleFactor: 1,
    });
    const page = await context.newPage();
    const newest = `session_${String(jobs).padStart(6, '0')}.mp4`;
    const asked = performance.now();
    await page.goto(url);
    await Promise.all([
      jobRow(page, newest).waitFor({ timeout: 60_000 }),
      page
        .locator('.total-queued .total-value')
        .filter({ hasText: jobs.toLocaleString('en-US') })
        .waitFor(),
    ]);
    const paintMs = performance.now() - asked;
    const firstContentfulPaintMs = await page.evaluate(
      () => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null,
    );
    const scroller = page.getByRole('region', { name: 'Recordings' });
    // Frames with the list still (what this browser manages here at all), then a fast, steady
    // scroll (a flick on a touchpad): 2,400 px a frame for 180 frames.
    const idle = intervalsOf((await frames(scroller, 60, 0)).stamps);
    // A brisk wheel scroll first (120 px a frame, 7,200 px a second), then the flick.
    const wheel = intervalsOf((await frames(scroller, 180, 120)).stamps);
    const scroll = await frames(scroller, 180, 2400);
    const intervals = intervalsOf(scroll.stamps);
    const sorted = [...intervals].sort((a, b) => a - b);
    const rowHeight = scroll.scrollHeight / jobs;
    return {
      jobs,
      paintMs,
      firstContentfulPaintMs,
      frames: intervals.length,
      medianFrameMs: medianOf(intervals),
      longestFrameMs: sorted.at(-1) ?? 0,
      droppedFrames: intervals.filter((ms) => ms > DROPPED_OVER_MS).length,
      rowsScrolled: Math.round(scroll.scrolled / rowHeight),
      idleMedianFrameMs: medianOf(idle),
      wheel: {
        frames: wheel.length,
        medianFrameMs: medianOf(wheel),
        longestFrameMs: Math.max(...wheel),
        droppedFrames: wheel.filter((ms) => ms > DROPPED_OVER_MS).length,
      },
      hostPeakRssBytes: host.pid === undefined ? null : procStatusBytes(host.pid, 'VmHWM'),
    };
  } finally {
    await browser.close();
    host.kill('SIGKILL');
    host.stdout?.destroy();
    host.stderr?.destroy();
    rmSync(root, { recursive: true, force: true });
  }
}

const intervalsOf = (stamps: number[]): number[] =>
  stamps.slice(1).map((at, i) => at - (stamps[i] as number));
const medianOf = (values: number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

/** The start of `count` animation frames in the page, scrolling `element` by `step` px in each. */
function frames(
  scroller: Locator,
  count: number,
  step: number,
): Promise<{ stamps: number[]; scrolled: number; scrollHeight: number }> {
  return scroller.evaluate(
    async (element, { count, step }) => {
      // In the page: this script is compiled without the DOM's types.
      const nextFrame = (globalThis as unknown as { requestAnimationFrame(run: (at: number) => void): void })
        .requestAnimationFrame;
      const stamps: number[] = [];
      const start = element.scrollTop;
      await new Promise<void>((done) => {
        const frame = (at: number) => {
          stamps.push(at);
          element.scrollTop += step;
          if (stamps.length < count) nextFrame(frame);
          else done();
        };
        nextFrame(frame);
      });
      return { stamps, scrolled: element.scrollTop - start, scrollHeight: element.scrollHeight };
    },
    { count, step },
  );
}

/** `jobs` queued recordings written straight into a fresh data folder's store, oldest first. */
function seedJobs(dataDir: string, folder: string, jobs: number): void {
  const db = openDatabase(dataPaths(dataDir).database);
  try {
    const store = new SqliteJobStore(db, systemClock);
    db.transaction(() => {
      for (let n = 1; n <= jobs; n += 1) {
        const name = `session_${String(n).padStart(6, '0')}.mp4`;
        store.enqueue(
          {
            path: join(folder, name),
            sizeBytes: 1000 + n,
            mtimeMs: 1_729_950_000_000 + n,
            sidecarPath: null,
          },
          'storage-api',
        );
      }
    })();
  } finally {
    db.close();
  }
}

function webUiAddress(host: ChildProcess): Promise<string> {
  return new Promise((resolveUrl, reject) => {
    let output = '';
    let errors = '';
    host.stderr?.setEncoding('utf8').on('data', (text: string) => {
      errors = (errors + text).slice(-2000);
    });
    host.stdout?.setEncoding('utf8').on('data', (text: string) => {
      output += text;
      const found = /Web UI: (\S+)/.exec(output);
      if (found?.[1] !== undefined) resolveUrl(found[1]);
    });
    host.once('exit', (code) => reject(new Error(`the headless host exited with ${code}: ${errors.trim()}`)));
  });
}

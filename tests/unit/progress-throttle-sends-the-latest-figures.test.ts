import { describe, expect, it } from 'vitest';
import { ProgressThrottle, type ThrottleTimers } from '../../src-main/core/engine/progress-throttle.ts';
import type { JobProgress } from '../../src-shared/job.ts';

/** A clock and timers that move only when the test says so. */
class ManualTime implements ThrottleTimers {
  now = 1_000_000;
  readonly #timers = new Map<number, { at: number; callback: () => void }>();
  #nextId = 1;

  setTimeout(callback: () => void, ms: number): unknown {
    const id = this.#nextId++;
    this.#timers.set(id, { at: this.now + ms, callback });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.#timers.delete(handle as number);
  }

  get pending(): number {
    return this.#timers.size;
  }

  advance(ms: number): void {
    const end = this.now + ms;
    for (;;) {
      const due = [...this.#timers.entries()]
        .filter(([, timer]) => timer.at <= end)
        .sort((a, b) => a[1].at - b[1].at)[0];
      if (due === undefined) break;
      this.#timers.delete(due[0]);
      this.now = due[1].at;
      due[1].callback();
    }
    this.now = end;
  }
}

function throttled(perSecond = 4) {
  const time = new ManualTime();
  const sent: Array<JobProgress & { at: number }> = [];
  const throttle = new ProgressThrottle(
    (progress) => sent.push({ ...progress, at: time.now }),
    () => time.now,
    perSecond,
    time,
  );
  return { time, sent, throttle };
}

describe('progress throttle', () => {
  it('sends the first report at once and holds the ones within the interval', () => {
    const { time, sent, throttle } = throttled();
    throttle.report(1, 100, 1000);
    time.advance(50);
    throttle.report(1, 200, 1000);
    time.advance(50);
    throttle.report(1, 300, 1000);
    expect(sent.map((p) => p.confirmedBytes)).toEqual([100]);
  });

  it('sends the latest held report at the end of the interval when no further report comes', () => {
    const { time, sent, throttle } = throttled();
    throttle.report(1, 100, 1000);
    time.advance(100);
    throttle.report(1, 200, 1000);
    time.advance(50);
    throttle.report(1, 300, 1000);
    time.advance(99);
    expect(sent.map((p) => p.confirmedBytes)).toEqual([100]);
    time.advance(1);
    expect(sent.map((p) => [p.confirmedBytes, p.at - 1_000_000])).toEqual([
      [100, 0],
      [300, 250],
    ]);
    // The speed covers the held reports: 200 bytes in 150 ms.
    expect(sent[1]?.bytesPerSecond).toBe(1333);
    time.advance(10_000);
    expect(sent).toHaveLength(2);
    expect(time.pending).toBe(0);
  });

  it('keeps to the rate while reports keep coming: one event per interval, the newest each time', () => {
    const { time, sent, throttle } = throttled(4);
    for (let ms = 0; ms < 1000; ms += 10) {
      throttle.report(7, ms, 1000);
      time.advance(10);
    }
    const gaps = sent.slice(1).map((p, i) => p.at - (sent[i]?.at ?? 0));
    // At 0, 250, 500 and 750 ms, and the held last report at the end of its interval, 1000 ms.
    expect(gaps).toEqual([250, 250, 250, 250]);
    expect(sent.at(-1)?.confirmedBytes).toBe(990);
    time.advance(1000);
    expect(sent).toHaveLength(5);
  });

  it('a report sent on time cancels the held one, so nothing older follows it', () => {
    const { time, sent, throttle } = throttled();
    throttle.report(1, 100, 1000);
    time.advance(100);
    throttle.report(1, 200, 1000);
    time.advance(150);
    throttle.report(1, 1000, 1000, true);
    time.advance(1000);
    expect(sent.map((p) => p.confirmedBytes)).toEqual([100, 200, 1000]);
    expect(time.pending).toBe(0);
  });

  it('a forced report goes out at once, and forget drops a held report of an ended job', () => {
    const { time, sent, throttle } = throttled();
    throttle.report(1, 100, 1000);
    time.advance(10);
    throttle.report(1, 1000, 1000, true);
    expect(sent.map((p) => p.confirmedBytes)).toEqual([100, 1000]);
    time.advance(10);
    throttle.report(1, 1000, 1000);
    expect(time.pending).toBe(1);
    throttle.forget(1);
    expect(time.pending).toBe(0);
    time.advance(1000);
    expect(sent).toHaveLength(2);
  });

  it('throttles each job on its own', () => {
    const { time, sent, throttle } = throttled();
    throttle.report(1, 10, 100);
    throttle.report(2, 20, 100);
    time.advance(10);
    throttle.report(1, 11, 100);
    throttle.report(2, 21, 100);
    throttle.forget(1);
    time.advance(1000);
    expect(sent.map((p) => [p.jobId, p.confirmedBytes])).toEqual([
      [1, 10],
      [2, 20],
      [2, 21],
    ]);
  });
});

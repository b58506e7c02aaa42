import { afterEach, describe, expect, it } from 'vitest';
import { HealthMonitor } from '../../src-main/core/health/health-monitor.ts';
import { systemClock } from '../../src-main/core/host-services.ts';
import { HealthStore } from '../../src-main/core/store/health-store.ts';
import type { BridgeEvent } from '../../src-shared/bridge-contract.ts';
import { reachableAt } from '../../src-shared/destination-reachability.ts';
import type { JobView } from '../../src-shared/job.ts';
import { defaultSettings } from '../../src-shared/settings.ts';
import { TempDatabase } from '../support/store-fixtures.ts';

/** Counts how often the whole queue is read for the health. */
class CountingHealthStore extends HealthStore {
  reads = 0;
  override queueFacts(midnight: number) {
    this.reads += 1;
    return super.queueFacts(midnight);
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("the health while a recording's chunks are confirmed", () => {
  let temp: TempDatabase | null = null;
  let monitor: HealthMonitor | null = null;
  afterEach(() => {
    monitor?.stop();
    temp?.remove();
  });

  it('reads the queue again at most once a second for bytes left and speed, and at once for news', async () => {
    temp = new TempDatabase();
    const store = new CountingHealthStore(temp.open());
    monitor = new HealthMonitor({
      store,
      clock: systemClock,
      settings: () => ({ ...defaultSettings(), recordingsFolder: '' }),
      connections: () => [],
      reachability: (kind) => reachableAt(kind, 0),
      changed: () => {},
      freeBytes: () => null,
    });
    monitor.start();
    const event = (name: string, payload: unknown) => ({ event: name, payload }) as unknown as BridgeEvent;
    const uploading = { id: 1, destination: 'storage-api', state: 'uploading', completedAt: null } as JobView;
    monitor.observe(event('job-updated', uploading));
    // The first confirmed chunk: the destination accepts requests, which is news.
    monitor.observe(event('progress', { jobId: 1, confirmedBytes: 1, sizeBytes: 100, bytesPerSecond: 1 }));
    await sleep(300);
    const afterNews = store.reads;
    expect(afterNews).toBeGreaterThanOrEqual(1);

    // Then a chunk's progress every 20 ms for 600 ms: one derivation at most in that time (one
    // every 100 ms before), for a queue of 100,000 a core's worth of counting.
    for (let n = 2; n <= 31; n += 1) {
      monitor.observe(event('progress', { jobId: 1, confirmedBytes: n, sizeBytes: 100, bytesPerSecond: n }));
      await sleep(20);
    }
    expect(store.reads - afterNews).toBeLessThanOrEqual(1);
    // The figures still follow within the second.
    await sleep(1100);
    expect(store.reads - afterNews).toBeGreaterThanOrEqual(1);

    // A job's change is news again: derived within the settle time, not the second.
    const readsBefore = store.reads;
    monitor.observe(event('job-updated', { ...uploading, state: 'done', completedAt: Date.now() }));
    await sleep(300);
    expect(store.reads).toBeGreaterThan(readsBefore);
  });
});

import { constants, getPriority, setPriority } from 'node:os';
import type { CpuPriority } from '../../src-shared/settings.ts';
import type { Logger } from '../core/logging/logger.ts';

const LEVELS: Readonly<Record<CpuPriority, number>> = {
  'below-normal': constants.priority.PRIORITY_BELOW_NORMAL,
  normal: constants.priority.PRIORITY_NORMAL,
};

/**
 * Sets this process's CPU priority (Windows: BELOW_NORMAL_PRIORITY_CLASS; elsewhere nice 10), so
 * hashing gigabytes takes only what the operator's own work leaves over. On Linux and macOS an
 * unprivileged process may lower its priority but not raise it again: going back to normal then
 * waits for the next start, and the log says so.
 */
export function applyCpuPriority(priority: CpuPriority, logger: Logger): void {
  const wanted = LEVELS[priority];
  if (getPriority(0) === wanted) return;
  try {
    setPriority(0, wanted);
    logger.info('processor priority set', { priority });
  } catch (error) {
    logger.warn('processor priority not changed: it takes effect when the uploader next starts', {
      priority,
      reason: error instanceof Error ? error.message : String(error),
    });
  }
}

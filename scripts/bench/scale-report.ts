import type { QueueAtStart, QueueInTheBrowser } from './scale-bench.ts';

export interface ScaleAims {
  queuedAtStartSeconds: number;
  paintMs: number;
  droppedFrames: number;
}

const count = (n: number): string => n.toLocaleString('en-US');
const met = (ok: boolean): string => (ok ? 'met' : 'NOT met');

/** The start-up and scale section of the report, in Markdown. */
export function renderScale(
  atStart: QueueAtStart | null,
  browser: QueueInTheBrowser | null,
  aims: ScaleAims,
): string {
  const lines = ['## Start-up and scale', ''];
  if (atStart !== null) {
    lines.push(
      `- ${count(atStart.recordings)} finished recordings already in the folder: looked at in ${atStart.scannedSeconds.toFixed(2)} s, all queued ${atStart.queuedSeconds.toFixed(2)} s after start, of which ${atStart.settleSeconds} s is the settle time (the least the setting allows: each file is looked at twice that far apart) — aim < ${aims.queuedAtStartSeconds} s: ${met(atStart.queuedSeconds < aims.queuedAtStartSeconds)}`,
    );
  }
  if (browser !== null) {
    const fcp = browser.firstContentfulPaintMs;
    lines.push(
      `- the queue with ${count(browser.jobs)} jobs in Chromium, served by the built headless host: the newest row and the totals shown ${browser.paintMs.toFixed(0)} ms after the page was asked for${fcp === null ? '' : ` (first contentful paint at ${fcp.toFixed(0)} ms)`} — aim < ${aims.paintMs} ms: ${met(browser.paintMs < aims.paintMs)}`,
      `- a fast scroll through it (${count(browser.rowsScrolled)} rows in ${browser.frames} frames): median frame ${browser.medianFrameMs.toFixed(1)} ms (${browser.idleMedianFrameMs.toFixed(1)} ms with the list still), longest ${browser.longestFrameMs.toFixed(1)} ms, ${browser.droppedFrames} frames over 25 ms — aim ${aims.droppedFrames} dropped: ${met(browser.droppedFrames <= aims.droppedFrames)}`,
    );
    const { wheel } = browser;
    lines.push(
      `- a brisk wheel scroll through it (120 px a frame, ${wheel.frames} frames): median frame ${wheel.medianFrameMs.toFixed(1)} ms, longest ${wheel.longestFrameMs.toFixed(1)} ms, ${wheel.droppedFrames} frames over 25 ms — aim ${aims.droppedFrames} dropped: ${met(wheel.droppedFrames <= aims.droppedFrames)}`,
    );
    if (browser.hostPeakRssBytes !== null) {
      lines.push(
        `- the headless host's peak resident set while serving it: ${(browser.hostPeakRssBytes / 1e6).toFixed(0)} MB`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

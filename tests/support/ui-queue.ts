import type { Locator, Page } from 'playwright-core';

/** Every row the queue's list shows now (a virtual list: the rows in view and a few around). */
export function queueRows(page: Page): Locator {
  return page.getByRole('region', { name: /^(Recordings|Gravações)$/ }).getByRole('listitem');
}

/** A recording's row in the queue, found by its file name. */
export function jobRow(page: Page, fileName: string): Locator {
  return queueRows(page).filter({ has: page.getByText(fileName, { exact: true }) });
}

/** Waits until the row shows `state` (its badge, as the operator reads it). */
export async function waitForRowState(
  page: Page,
  fileName: string,
  state: string,
  timeoutMs = 15_000,
): Promise<Locator> {
  const row = jobRow(page, fileName);
  await row
    .locator('.badge')
    .filter({ hasText: new RegExp(`^${state}$`) })
    .waitFor({ timeout: timeoutMs });
  return row;
}

/** The percent the row's progress bar announces. */
export async function rowPercent(row: Locator): Promise<number> {
  return Number(await row.getByRole('progressbar').getAttribute('aria-valuenow'));
}

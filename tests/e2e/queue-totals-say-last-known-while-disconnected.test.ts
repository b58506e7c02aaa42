import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HeadlessProcess } from '../support/headless-cli.ts';
import { type HeadlessFixture, KiB } from '../support/headless-fixture.ts';
import { openUi, type UiPage } from '../support/ui-browser.ts';
import { waitForRowState } from '../support/ui-queue.ts';
import { startUiSession } from '../support/ui-session.ts';

const LAST_KNOWN = 'Last known counts, from before the connection to the uploader was lost.';
const LAST_KNOWN_PT = 'Últimas contagens conhecidas, de antes de a conexão com o enviador ser perdida.';

/** A tile's figure, by its label. */
function tile(totals: Locator, label: string): Locator {
  return totals.getByRole('listitem').filter({ hasText: label }).locator('.total-value');
}

/**
 * The queue's total tiles while the page has lost the headless host: they keep the counts last
 * sent, and say so (in both languages), until the host answers again and they are fresh.
 */
describe('the queue totals while the page is not connected', () => {
  let fixture: HeadlessFixture;
  let browser: Browser;
  let english: UiPage;
  let portuguese: UiPage;
  let host: HeadlessProcess;

  const startHost = async (): Promise<string> => {
    let url: string;
    ({ host, url } = await fixture.runWebUi());
    return url;
  };
  const totals = (page: Page) => page.getByRole('list', { name: /^(Queue totals|Totais da fila)$/ });

  beforeAll(async () => {
    ({ fixture, browser } = await startUiSession());
  });

  afterAll(async () => {
    await browser?.close();
    await fixture?.close();
  });

  it('are marked as last known while away, in both languages, and fresh once reconnected', async () => {
    const url = await startHost();
    english = await openUi(browser, url);
    portuguese = await openUi(browser, url, { locale: 'pt-BR' });
    fixture.writeRecording('2024-10-26_0900_a.mp4', 64 * KiB);
    fixture.writeRecording('2024-10-26_0901_b.mp4', 64 * KiB);
    await waitForRowState(english.page, '2024-10-26_0901_b.mp4', 'Done', 20_000);
    await waitForRowState(english.page, '2024-10-26_0900_a.mp4', 'Done', 20_000);
    const live = totals(english.page);
    await expect.poll(() => tile(live, 'Done today').textContent()).toBe('2');
    expect(await live.getAttribute('aria-describedby')).toBeNull();
    expect(await english.page.getByText(LAST_KNOWN).count()).toBe(0);

    await host.stop('SIGTERM');
    // The counts it last had stay, each marked as such: the list is described by the note.
    const note = english.page.getByText(LAST_KNOWN, { exact: true });
    await note.waitFor();
    expect(await live.getAttribute('aria-describedby')).toBe(await note.getAttribute('id'));
    expect(await tile(live, 'Done today').textContent()).toBe('2');
    expect(await live.evaluate((el) => el.classList.contains('totals-last-known'))).toBe(true);
    const notePt = portuguese.page.getByText(LAST_KNOWN_PT, { exact: true });
    await notePt.waitFor();
    expect(await totals(portuguese.page).getAttribute('aria-describedby')).toBe(
      await notePt.getAttribute('id'),
    );

    // A recording arrives while the page is away; once the host is back the counts are fresh.
    fixture.writeRecording('2024-10-26_0902_c.mp4', 64 * KiB);
    expect(await startHost()).toBe(url);
    await note.waitFor({ state: 'detached', timeout: 20_000 });
    await expect.poll(() => tile(live, 'Done today').textContent(), { timeout: 20_000 }).toBe('3');
    expect(await live.getAttribute('aria-describedby')).toBeNull();
    await notePt.waitFor({ state: 'detached', timeout: 20_000 });
    expect(
      [...english.problems, ...portuguese.problems].filter(
        (p) => !/WebSocket|ERR_CONNECTION_REFUSED|Failed to load resource/.test(p),
      ),
    ).toEqual([]);
    await host.stop('SIGTERM');
  });
});

import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORAGE_API_TOKEN_ENV } from '../../src-main/core/auth/env-secret-store.ts';
import type { HeadlessProcess } from '../support/headless-cli.ts';
import { type HeadlessFixture, KiB } from '../support/headless-fixture.ts';
import { openUi, screenshot, type UiPage } from '../support/ui-browser.ts';
import { jobRow, waitForRowState } from '../support/ui-queue.ts';
import { startUiSession } from '../support/ui-session.ts';

const ANA = '2024-10-26_0915_ana.mp4';
const CARLA = '2024-10-26_1010_carla.mp4';

/** A fact of the details dialog: the text of the <dd> beside its <dt>. */
function fact(dialog: Locator, label: string): Locator {
  return dialog.locator(`dt:text-is("${label}") + dd`);
}

/**
 * A recording's details as an administrator opens them from its row, in the real UI served by the
 * real headless host after a real upload to the storage API peer: where it went, its hashes, its
 * times, every attempt with its reason, its sidecar and whole warning, and the last reconciliation.
 */
describe('a recording’s details in the browser', () => {
  let fixture: HeadlessFixture;
  let host: HeadlessProcess;
  let browser: Browser;
  let url: string;
  let ui: UiPage;
  let page: Page;
  beforeAll(async () => {
    ({ fixture, browser } = await startUiSession({ settings: { maxRetries: 3, chunkSizeBytes: 256 * KiB } }));
    ({ host, url } = await fixture.runWebUi());
    ui = await openUi(browser, url);
    page = ui.page;
    await page.getByRole('tab', { name: 'Queue', selected: true }).waitFor();
  });

  afterAll(async () => {
    await browser?.close();
    await fixture?.close();
  });

  it('opens from the row by mouse: where it went, its hashes and times, and every attempt with its reason', async () => {
    // The first try meets a server error: its reason stays in the recording's history.
    fixture.peer.faults.serverErrors(1, 503, ['create'], 'maintenance window until 02:00');
    writeFileSync(
      join(fixture.folder, '2024-10-26_0915_ana_metadata.json'),
      JSON.stringify({ session_id: 'ana-0915', user: 'ana' }),
    );
    const bytes = fixture.writeRecording(ANA, 300_000);
    await waitForRowState(page, ANA, 'Done', 20_000);
    const job = fixture.jobs().find((j) => j.fileName === ANA);
    if (job?.remoteId === null || job === undefined) throw new Error('no stored job');

    await jobRow(page, ANA)
      .getByRole('button', { name: `Details of ${ANA}` })
      .click();
    const dialog = page.getByRole('dialog', { name: ANA });
    await dialog.getByRole('heading', { name: 'Where it went' }).waitFor();
    expect(await fact(dialog, 'Destination').textContent()).toBe('Company storage API');
    expect(await fact(dialog, 'Address').textContent()).toBe(fixture.peer.baseUrl);
    expect(await fact(dialog, 'Remote id').textContent()).toBe(job.remoteId);
    const link = dialog.getByRole('link', { name: `${fixture.peer.baseUrl}/recordings/${job.remoteId}` });
    expect(await link.getAttribute('target')).toBe('_blank');
    // One unit convention: binary multiples under their IEC names, the exact count beside them.
    expect(await fact(dialog, 'Size').textContent()).toBe('293 KiB (300,000 bytes)');
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    expect(await fact(dialog, 'SHA-256 (computed here)').textContent()).toBe(sha256);
    expect(await fact(dialog, 'sha256 (the destination’s)').textContent()).toBe(sha256);
    expect(await fact(dialog, 'Metadata file').textContent()).toBe(
      '2024-10-26_0915_ana_metadata.json — sent with the upload',
    );
    expect(await fact(dialog, 'Receipt').textContent()).toBe('2024-10-26_0915_ana.receipt.json');
    for (const label of ['Found in the folder', 'Upload first started', 'Verified and done']) {
      expect(await fact(dialog, label).textContent()).toMatch(/\d{4}, \d{1,2}:\d{2}:\d{2}/);
    }
    expect(await fact(dialog, 'Last check at the destination').textContent()).toBe('not checked yet');

    const steps = dialog.getByRole('listitem');
    const wait = steps.filter({ hasText: 'Waiting to retry' });
    expect(await wait.textContent()).toMatch(/answered 503: maintenance window until 02:00/);
    expect(await steps.filter({ hasText: 'Upload started' }).count()).toBe(2);
    await steps.filter({ hasText: 'Verified: the hashes match' }).waitFor();
    expect(await dialog.textContent()).not.toContain(fixture.peer.token);
    await screenshot(page, 'recording-details');
    await wait.scrollIntoViewIfNeeded();
    await screenshot(page, 'recording-details-history');

    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    // Focus goes back to the name that opened it.
    const opener = jobRow(page, ANA).getByRole('button', { name: `Details of ${ANA}` });
    expect(await opener.evaluate((el) => el.ownerDocument.activeElement === el)).toBe(true);
    expect(ui.problems).toEqual([]);
  });

  it('opens from the keyboard, with a sidecar’s whole warning, in the dark theme and in Portuguese', async () => {
    writeFileSync(
      join(fixture.folder, '2024-10-26_1010_carla_metadata.json'),
      '{"session_id": "carla", "user": ',
    );
    fixture.writeRecording(CARLA, 40 * KiB);
    await waitForRowState(page, CARLA, 'Done', 20_000);
    const warning = fixture.jobs().find((j) => j.fileName === CARLA)?.sidecarWarning ?? '';
    expect(warning).toMatch(/metadata file .* the recording is uploaded without its metadata$/);

    const dark = await openUi(browser, url, { colorScheme: 'dark' });
    const name = jobRow(dark.page, CARLA).getByRole('button', { name: `Details of ${CARLA}` });
    await name.focus();
    await dark.page.keyboard.press('Enter');
    const dialog = dark.page.getByRole('dialog', { name: CARLA });
    const shown = fact(dialog, 'Metadata file problem');
    // The whole warning, as the core keeps it, and nothing of it clipped.
    expect(await shown.textContent()).toBe(warning);
    expect(
      await shown.evaluate(
        (el) => el.scrollHeight <= el.clientHeight + 1 && el.scrollWidth <= el.clientWidth + 1,
      ),
    ).toBe(true);
    expect(await fact(dialog, 'Metadata file').textContent()).toBe(
      '2024-10-26_1010_carla_metadata.json — not stored at the destination',
    );
    await screenshot(dark.page, 'recording-details-dark');
    await dark.page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    await dark.context.close();

    const portuguese = await openUi(browser, url, { locale: 'pt-BR' });
    await portuguese.page.getByRole('button', { name: `Detalhes de ${CARLA}` }).click();
    const pt = portuguese.page.getByRole('dialog', { name: CARLA });
    await pt.getByRole('heading', { name: 'Para onde foi' }).waitFor();
    expect(await fact(pt, 'Problema no arquivo de metadados').textContent()).toBe(warning);
    await pt.getByRole('listitem').filter({ hasText: 'Encontrada na pasta' }).waitFor();
    await portuguese.context.close();
    expect([...dark.problems, ...portuguese.problems]).toEqual([]);
  });

  it('says “present and unchanged as of” the last reconciliation, after the host restarts under the open page', async () => {
    await host.stop('SIGTERM');
    const reconciled = await fixture.cli(['reconcile', '--settings', fixture.settingsFile], {
      env: { [STORAGE_API_TOKEN_ENV]: fixture.peer.token },
    });
    expect(reconciled.stdout).toContain('2 present and unchanged');
    ({ host } = await fixture.runWebUi());
    await page.reload();
    await waitForRowState(page, ANA, 'Done');
    await jobRow(page, ANA)
      .getByRole('button', { name: `Details of ${ANA}` })
      .click();
    const dialog = page.getByRole('dialog', { name: ANA });
    expect(await fact(dialog, 'Last check at the destination').textContent()).toMatch(
      /^present and unchanged as of .*\d{1,2}:\d{2}:\d{2}/,
    );
    await page.keyboard.press('Escape');
  });
});

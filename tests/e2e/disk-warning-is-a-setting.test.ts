import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StatusReport } from '../../src-main/headless/commands/status-command.ts';
import type { HeadlessFixture } from '../support/headless-fixture.ts';
import { openUi } from '../support/ui-browser.ts';
import { startUiSession } from '../support/ui-session.ts';

/**
 * When the recordings disk counts as nearly full is the operator's to say, in Settings, in GiB: the
 * header (and `status`, and the tray, from the same headline) follows the saved threshold.
 */
describe('the disk warning threshold', () => {
  let fixture: HeadlessFixture;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    ({ fixture, browser } = await startUiSession());
    const { url } = await fixture.runWebUi();
    page = (await openUi(browser, url)).page;
    await page.getByRole('tab', { name: 'Queue', selected: true }).waitFor();
  });

  afterAll(async () => {
    await browser?.close();
    await fixture?.close();
  });

  /** `status --json` as the running host sees its settings. */
  async function status(): Promise<StatusReport> {
    const outcome = await fixture.cli(['status', '--json', '--settings', fixture.settingsFile]);
    return JSON.parse(outcome.stdout) as StatusReport;
  }

  async function warnBelow(gibibytes: string, language: 'en' | 'pt-BR' = 'en'): Promise<void> {
    const words =
      language === 'en'
        ? { tab: 'Settings', field: 'Warn when the disk has less free', save: 'Save changes' }
        : {
            tab: 'Configurações',
            field: 'Avisar quando o disco tiver menos livre',
            save: 'Salvar alterações',
          };
    await page.getByRole('tab', { name: words.tab }).click();
    const field = page.getByRole('textbox', { name: words.field });
    await field.fill(gibibytes);
    await page.getByRole('button', { name: words.save }).click();
  }

  it('warns of a nearly full disk below the saved threshold, and stops once it is lowered', async () => {
    const header = page.locator('header output.status');
    await page.getByRole('tab', { name: 'Settings' }).click();
    expect(await page.getByRole('textbox', { name: 'Warn when the disk has less free' }).inputValue()).toBe(
      '2',
    );
    await page.getByText('GiB', { exact: true }).first().waitFor();
    // More than this machine's disk holds: it is "nearly full" by the operator's measure.
    await warnBelow('1024');
    await header.filter({ hasText: /^The recordings disk is nearly full: [\d.,]+ [KMGT]iB free$/ }).waitFor();
    const report = await status();
    expect(report.health.disk).toMatchObject({ warnBelowBytes: 1024 ** 4, low: true });
    expect(report.headline).toMatch(/^The recordings disk is nearly full/);

    await page.getByRole('combobox', { name: 'Language' }).selectOption('pt-BR');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await warnBelow('0', 'pt-BR');
    await header.filter({ hasText: /^Observando a pasta — nada para enviar ainda$/ }).waitFor();
    expect((await status()).health.disk).toMatchObject({ warnBelowBytes: 0, low: false });
  });
});

import type { Browser } from 'playwright-core';
import { HeadlessFixture } from './headless-fixture.ts';
import { ensureRendererBuild } from './renderer-build.ts';
import { launchChromium } from './ui-browser.ts';

/**
 * What a browser test of the web UI starts with, started side by side: the renderer built, a
 * headless fixture with its storage API peer, and Chromium. Whatever started is closed again when
 * another part fails, so a failed start leaves no browser or server behind.
 */
export async function startUiSession(
  options: Parameters<typeof HeadlessFixture.start>[0] = {},
): Promise<{ fixture: HeadlessFixture; browser: Browser }> {
  const [built, fixture, browser] = await Promise.allSettled([
    ensureRendererBuild(),
    HeadlessFixture.start(options),
    launchChromium(),
  ]);
  if (built.status === 'fulfilled' && fixture.status === 'fulfilled' && browser.status === 'fulfilled')
    return { fixture: fixture.value, browser: browser.value };
  if (browser.status === 'fulfilled') await browser.value.close();
  if (fixture.status === 'fulfilled') await fixture.value.close();
  const failed = [built, fixture, browser].find((outcome) => outcome.status === 'rejected');
  throw failed?.reason;
}

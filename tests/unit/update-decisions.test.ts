import { describe, expect, it } from 'vitest';
import {
  CHECK_INTERVAL_MS,
  DEFERRAL_MS,
  isPerMachineInstall,
  nextCheckAt,
  offerRelease,
  planUpdates,
  type UpdateContext,
} from '../../src-main/core/updates/update-plan.ts';

const FEED = 'https://updates.company.example/recording-uploader/';
const base: UpdateContext = {
  settingsFeedUrl: '',
  settingsFeedLocked: false,
  policy: null,
  perMachine: false,
  packaged: true,
};
/** The feed an administrator gave: updateFeedUrl set and locked by the policy. */
const lockedFeed: Partial<UpdateContext> = { settingsFeedUrl: FEED, settingsFeedLocked: true };
const NOW = Date.parse('2026-12-03T09:00:00Z');

describe('whether and how the app updates itself', () => {
  it('is off unless a feed URL is set, and in a development build', () => {
    expect(planUpdates(base)).toEqual({ enabled: false, reason: 'no-feed' });
    expect(planUpdates({ ...base, settingsFeedUrl: FEED, packaged: false })).toEqual({
      enabled: false,
      reason: 'not-packaged',
    });
    expect(planUpdates({ ...base, ...lockedFeed })).toEqual({
      enabled: true,
      feedUrl: FEED,
      channel: 'current',
      installOnQuit: true,
      notInstalledBecause: null,
      managed: true,
    });
  });

  it('installs by itself only from a feed an administrator gave; one set in the settings, which whoever drives the window can change, only tells the operator', () => {
    const fromSettings = planUpdates({ ...base, settingsFeedUrl: FEED });
    expect(fromSettings).toMatchObject({
      enabled: true,
      installOnQuit: false,
      notInstalledBecause: 'feed-from-settings',
    });
    if (!fromSettings.enabled) throw new Error('expected updates on');
    expect(offerRelease(fromSettings, { releaseDate: '2026-12-01T00:00:00Z' }, NOW)).toBe(
      'tell-the-operator',
    );
    const policy = { enabled: true, url: FEED, channel: 'current' as const };
    expect(planUpdates({ ...base, policy })).toMatchObject({
      installOnQuit: true,
      notInstalledBecause: null,
    });
    expect(planUpdates({ ...base, ...lockedFeed })).toMatchObject({
      installOnQuit: true,
      notInstalledBecause: null,
    });
    // A policy that says only the channel leaves the feed the settings' own.
    const channelOnly = { enabled: true, url: null, channel: 'deferred' as const };
    expect(planUpdates({ ...base, settingsFeedUrl: FEED, policy: channelOnly })).toMatchObject({
      installOnQuit: false,
      notInstalledBecause: 'feed-from-settings',
    });
  });

  it('takes the feed and the channel from the policy, which may also turn updates off', () => {
    const policy = { enabled: true, url: 'https://it.example/feed/', channel: 'deferred' as const };
    expect(planUpdates({ ...base, settingsFeedUrl: FEED, policy })).toMatchObject({
      enabled: true,
      feedUrl: 'https://it.example/feed/',
      channel: 'deferred',
      managed: true,
    });
    const off = { enabled: false, url: null, channel: 'current' as const };
    expect(planUpdates({ ...base, settingsFeedUrl: FEED, policy: off })).toEqual({
      enabled: false,
      reason: 'turned-off-by-policy',
    });
  });

  it('takes nothing to install from plain http', () => {
    expect(planUpdates({ ...base, settingsFeedUrl: 'http://updates.lan/feed/' })).toEqual({
      enabled: false,
      reason: 'feed-not-https',
    });
  });

  it('never installs silently over a per-machine install: it tells the operator', () => {
    const plan = planUpdates({ ...base, ...lockedFeed, perMachine: true });
    if (!plan.enabled) throw new Error('expected updates on');
    expect(plan.installOnQuit).toBe(false);
    expect(plan.notInstalledBecause).toBe('per-machine');
    expect(offerRelease(plan, { releaseDate: '2026-12-01T00:00:00Z' }, NOW)).toBe('tell-the-operator');
    const perUser = planUpdates({ ...base, ...lockedFeed });
    if (!perUser.enabled) throw new Error('expected updates on');
    expect(offerRelease(perUser, { releaseDate: '2026-12-01T00:00:00Z' }, NOW)).toBe('install-on-quit');
  });

  it('offers the deferred channel a release only once it has been out for the deferral', () => {
    const policy = { enabled: true, url: FEED, channel: 'deferred' as const };
    const plan = planUpdates({ ...base, policy });
    if (!plan.enabled) throw new Error('expected updates on');
    const fresh = new Date(NOW - DEFERRAL_MS + 60_000).toISOString();
    const aged = new Date(NOW - DEFERRAL_MS - 60_000).toISOString();
    expect(offerRelease(plan, { releaseDate: fresh }, NOW)).toBe('not-yet');
    expect(offerRelease(plan, { releaseDate: null }, NOW)).toBe('not-yet');
    expect(offerRelease(plan, { releaseDate: aged }, NOW)).toBe('install-on-quit');
  });

  it('checks at start, then every few hours', () => {
    expect(nextCheckAt(null, NOW)).toBe(NOW);
    expect(nextCheckAt(NOW - 1000, NOW)).toBe(NOW - 1000 + CHECK_INTERVAL_MS);
    expect(nextCheckAt(NOW - 2 * CHECK_INTERVAL_MS, NOW)).toBe(NOW);
  });

  it('tells a per-machine install from a per-user one by where the app is', () => {
    expect(isPerMachineInstall('/opt/Recording Uploader/recording-uploader', '/home/op')).toBe(true);
    expect(isPerMachineInstall('/home/op/Applications/Recording-Uploader.AppImage', '/home/op')).toBe(false);
  });
});

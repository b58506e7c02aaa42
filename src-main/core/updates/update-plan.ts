import { isAbsolute, relative } from 'node:path';
import { endpointProblem } from '../../../src-shared/endpoints.ts';
import type { Policy, UpdateChannel } from '../../../src-shared/policy.ts';

/** How often a running app asks the feed for a new release. */
export const CHECK_INTERVAL_MS = 6 * 60 * 60 * 1000;
/** The deferred channel is offered a release only once it has been out this long. */
export const DEFERRAL_MS = 14 * 24 * 60 * 60 * 1000;

export interface UpdateContext {
  /** The `updateFeedUrl` setting: a generic feed (latest.yml…) the company hosts; '' for none. */
  settingsFeedUrl: string;
  /** The policy locks `updateFeedUrl`: its value is the administrator's, not the operator's. */
  settingsFeedLocked: boolean;
  /** What the machine's policy says of updates; null where it says nothing (or there is none). */
  policy: Policy['updates'];
  /** Installed for every user of the machine (Program Files, /opt…), which only an administrator may replace. */
  perMachine: boolean;
  /** A packaged app: a development build never updates itself. */
  packaged: boolean;
}

export type UpdatePlan =
  | { enabled: false; reason: 'not-packaged' | 'turned-off-by-policy' | 'no-feed' | 'feed-not-https' }
  | {
      enabled: true;
      feedUrl: string;
      channel: UpdateChannel;
      /** Download and install at the next quit, without asking: never over a per-machine install. */
      installOnQuit: boolean;
      /** Why a release is only announced: a per-machine install, or a feed the administrator did not give. */
      notInstalledBecause: 'per-machine' | 'feed-from-settings' | null;
      /** The policy set the feed or the channel: the operator is told updates are managed. */
      managed: boolean;
    };

/**
 * Whether and how the app updates itself. Off unless a feed URL is set (by the policy, else the
 * settings); the policy can turn updates off whatever the settings say and picks the channel. A
 * release is installed by itself only from a feed the administrator gave (the policy's, or an
 * updateFeedUrl it locks) and never over a per-machine install: otherwise the app only says a
 * release is out.
 */
export function planUpdates(context: UpdateContext): UpdatePlan {
  if (!context.packaged) return { enabled: false, reason: 'not-packaged' };
  if (context.policy?.enabled === false) return { enabled: false, reason: 'turned-off-by-policy' };
  const feedUrl = context.policy?.url ?? context.settingsFeedUrl;
  if (feedUrl === '') return { enabled: false, reason: 'no-feed' };
  // What the app installs comes from there: https only, even where a policy allows plain http.
  if (endpointProblem(feedUrl) !== null || !feedUrl.startsWith('https:')) {
    return { enabled: false, reason: 'feed-not-https' };
  }
  // Whoever can drive the window can change an unlocked setting: a feed from there is only asked
  // for news, never installed from, or that lever would run their build at the next quit.
  const fromAdministrator = (context.policy?.url ?? null) !== null || context.settingsFeedLocked;
  const notInstalledBecause = context.perMachine
    ? 'per-machine'
    : fromAdministrator
      ? null
      : 'feed-from-settings';
  return {
    enabled: true,
    feedUrl,
    channel: context.policy?.channel ?? 'current',
    installOnQuit: notInstalledBecause === null,
    notInstalledBecause,
    managed: context.policy !== null || context.settingsFeedLocked,
  };
}

export type Offer = 'install-on-quit' | 'tell-the-operator' | 'not-yet';

/** What to do with a release the feed announces. */
export function offerRelease(
  plan: Extract<UpdatePlan, { enabled: true }>,
  release: { releaseDate: string | null },
  now: number,
): Offer {
  if (plan.channel === 'deferred') {
    const released = release.releaseDate === null ? Number.NaN : Date.parse(release.releaseDate);
    // A release with no date cannot be shown to have waited its time.
    if (Number.isNaN(released) || now - released < DEFERRAL_MS) return 'not-yet';
  }
  return plan.installOnQuit ? 'install-on-quit' : 'tell-the-operator';
}

/** When to ask the feed next: at start, then every CHECK_INTERVAL_MS. */
export function nextCheckAt(lastCheckAt: number | null, now: number): number {
  return lastCheckAt === null ? now : Math.max(now, lastCheckAt + CHECK_INTERVAL_MS);
}

/** Installed outside the user's own home folder: for every user of the machine. */
export function isPerMachineInstall(executable: string, home: string): boolean {
  const inside = relative(home, executable);
  return inside === '' || inside.startsWith('..') || isAbsolute(inside);
}

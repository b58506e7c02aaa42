import { describe, expect, it } from 'vitest';
import { isManaged } from '../../src-renderer/state/settings-form.ts';
import { NO_POLICY_VIEW, readPolicy, viewOf } from '../../src-shared/policy.ts';

const FILE = '/etc/recording-uploader/policy.json';

function viewUnder(policy: unknown) {
  const read = readPolicy(FILE, policy);
  if (!read.ok) throw new Error(read.problem);
  return viewOf({ state: 'in-force', policy: read.policy });
}

describe('the Settings form under a policy', () => {
  it('shows a locked setting as managed, and leaves the others to the operator', () => {
    const view = viewUnder({ settings: { maxRetries: 5 }, locked: ['maxRetries'] });
    expect(isManaged('maxRetries', view)).toBe(true);
    expect(isManaged('maxConcurrentUploads', view)).toBe(false);
    expect(isManaged('maxRetries', NO_POLICY_VIEW)).toBe(false);
  });

  it('shows the update address as managed where the policy turns updates off or names their feed', () => {
    expect(isManaged('updateFeedUrl', viewUnder({ updates: { enabled: false } }))).toBe(true);
    expect(
      isManaged('updateFeedUrl', viewUnder({ updates: { url: 'https://updates.example.com/app' } })),
    ).toBe(true);
    // A channel alone leaves the feed to the setting: the operator's address is still the one used.
    expect(isManaged('updateFeedUrl', viewUnder({ updates: { channel: 'deferred' } }))).toBe(false);
    expect(isManaged('updateFeedUrl', viewUnder({}))).toBe(false);
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { createCommandRouter } from '../../src-main/core/bridge/command-router.ts';
import { SettingsStore } from '../../src-main/core/store/settings-store.ts';
import { MANAGED_REASON } from '../../src-shared/policy.ts';
import { policyOf, UploaderHarness } from '../support/uploader-harness.ts';

const POLICY = {
  settings: { deleteAfterUpload: false, videoExtensions: ['mp4'], maxConcurrentUploads: 4 },
  locked: ['deleteAfterUpload', 'videoExtensions'],
  allowedDestinations: ['storage-api'],
};

let harness: UploaderHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

describe('a setting the policy locks cannot be changed through the bridge', () => {
  it('refuses the change with the reason, holds the locked value over a saved one, and leaves the rest free', async () => {
    const h = await UploaderHarness.start({ policy: policyOf(POLICY) });
    harness = h;
    const route = createCommandRouter(h.uploader);
    const snapshot = h.uploader.getSnapshot();
    expect(snapshot.policy).toMatchObject({
      state: 'in-force',
      file: '/etc/recording-uploader/policy.json',
      locked: ['deleteAfterUpload', 'videoExtensions'],
      allowedDestinations: ['storage-api'],
    });
    // An unlocked policy value is where the install starts; the operator may change it.
    expect(snapshot.settings.maxConcurrentUploads).toBe(4);

    const refused = await route({ id: 1, method: 'updateSettings', params: { deleteAfterUpload: true } });
    expect(refused).toEqual({
      id: 1,
      error: {
        code: 'SettingLockedError',
        message: `"deleteAfterUpload" is ${MANAGED_REASON.toLowerCase()} (policy /etc/recording-uploader/policy.json) and cannot be changed here`,
      },
    });
    expect(h.uploader.settings.deleteAfterUpload).toBe(false);

    // The locked value sent again (a whole form saved) changes nothing and is not refused.
    const same = await route({
      id: 2,
      method: 'updateSettings',
      params: { deleteAfterUpload: false, videoExtensions: ['mp4'], maxConcurrentUploads: 1 },
    });
    expect(same).toMatchObject({ id: 2, result: { maxConcurrentUploads: 1, deleteAfterUpload: false } });

    const destination = await route({
      id: 3,
      method: 'updateSettings',
      params: { activeDestination: 'gdrive' },
    });
    expect(destination).toMatchObject({ error: { message: expect.stringContaining('allowedDestinations') } });
    const connect = await route({ id: 4, method: 'connect', params: { destination: 'onedrive' } });
    expect(connect).toMatchObject({
      error: { message: expect.stringContaining('not allowed by the policy') },
    });
  });

  it('holds the locked value even where the operator saved another before the policy came', async () => {
    const h = await UploaderHarness.start();
    harness = h;
    await h.uploader.updateSettings({ deleteAfterUpload: true });
    await h.restart({ policy: policyOf(POLICY) });
    expect(h.uploader.settings.deleteAfterUpload).toBe(false);
    expect(h.uploader.settings.videoExtensions).toEqual(['mp4']);
    // The operator's own choice stays in the database, unused while the lock holds.
    expect(new SettingsStore(h.db).load().deleteAfterUpload).toBe(true);
  });

  it('a locked upload speed limit cannot be lifted by the quick control; limiting further is allowed', async () => {
    const h = await UploaderHarness.start({
      policy: policyOf({ settings: { uploadRateLimit: '2M' }, locked: ['uploadRateLimit'] }),
    });
    harness = h;
    const route = createCommandRouter(h.uploader);
    const lifted = await route({ id: 1, method: 'setUploadLimitNow', params: { limited: false } });
    expect(lifted).toMatchObject({
      id: 1,
      error: { code: 'SettingLockedError', message: expect.stringContaining('"uploadRateLimit"') },
    });
    const limited = await route({ id: 2, method: 'setUploadLimitNow', params: { limited: true } });
    expect(limited).toMatchObject({ id: 2, result: expect.anything() });
  });
});

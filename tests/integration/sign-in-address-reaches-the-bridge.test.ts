import { afterEach, describe, expect, it } from 'vitest';
import type { BridgeEvent, SignInStarted } from '../../src-shared/bridge-contract.ts';
import { DriveHarness } from '../support/drive-harness.ts';
import { OneDriveHarness } from '../support/onedrive-harness.ts';

const signInsOf = (events: BridgeEvent[]): SignInStarted[] =>
  events.filter((event) => event.event === 'sign-in-started').map((event) => event.payload as SignInStarted);

/**
 * A sign-in started through the bridge announces where it waits, so a UI whose host can only print
 * the address (the headless host) can offer it as a link. The host is still asked to open it.
 */
describe('the sign-in address, announced on the bridge', () => {
  let drive: DriveHarness | undefined;
  let oneDrive: OneDriveHarness | undefined;
  afterEach(async () => {
    await drive?.close();
    await oneDrive?.close();
    drive = undefined;
    oneDrive = undefined;
  });

  it("Google Drive: the consent page's address, the one the host opened, before the sign-in completes", async () => {
    drive = await DriveHarness.start({ connect: false });
    const view = await drive.connect();
    expect(view.state).toBe('connected');
    const [visited] = drive.browserVisits;
    expect(signInsOf(drive.events)).toEqual([{ destination: 'gdrive', url: visited }]);
    expect(visited?.startsWith(`${drive.identity.authUrl}?`)).toBe(true);
    // Announced before the account was: the UI had the link while the sign-in waited.
    const announcedAt = drive.events.findIndex((event) => event.event === 'sign-in-started');
    const connectedAt = drive.events.findIndex(
      (event) =>
        event.event === 'connection-changed' && (event.payload as { state: string }).state === 'connected',
    );
    expect(announcedAt).toBeGreaterThanOrEqual(0);
    expect(announcedAt).toBeLessThan(connectedAt);

    // A second sign-in is a new page (a new state and PKCE challenge), announced anew.
    await drive.connect();
    const signIns = signInsOf(drive.events);
    expect(signIns).toHaveLength(2);
    expect(signIns[1]?.url).toBe(drive.browserVisits[1]);
    expect(signIns[1]?.url).not.toBe(signIns[0]?.url);
  });

  it("OneDrive: the identity provider's page, for the OneDrive card", async () => {
    oneDrive = await OneDriveHarness.start();
    const view = await oneDrive.connect();
    expect(view.state).toBe('connected');
    expect(oneDrive.browserVisits).toBe(1);
    const signIns = signInsOf(oneDrive.events);
    expect(signIns).toHaveLength(1);
    expect(signIns[0]?.destination).toBe('onedrive');
    expect(signIns[0]?.url.startsWith(`${oneDrive.idp.origin}/`)).toBe(true);
    expect(new URL(signIns[0]?.url ?? '').searchParams.get('code_challenge_method')).toBe('S256');
  });
});

import { describe, expect, it } from 'vitest';
import { announcedSignIn } from '../../src-main/core/auth/announced-sign-in.ts';
import { createAppStore } from '../../src-renderer/state/app-store.ts';
import { applyEvent, emptyView } from '../../src-renderer/state/core-view.ts';
import type { UploaderBridge } from '../../src-shared/bridge-client.ts';
import type { BridgeEvent, SignInStarted } from '../../src-shared/bridge-contract.ts';

const started = (destination: SignInStarted['destination'], url: string): BridgeEvent => ({
  event: 'sign-in-started',
  payload: { destination, url },
});

describe("the host's openBrowser, as the uploader wraps it for a sign-in", () => {
  it('announces a web address for its destination, then hands it to the host', async () => {
    const seen: string[] = [];
    const open = announcedSignIn(
      'onedrive',
      async (url) => {
        seen.push(`opened ${url}`);
      },
      (announced) => seen.push(`announced ${announced.destination} ${announced.url}`),
    );
    await open('https://login.example.com/authorize?state=s1');
    await open('http://127.0.0.1:8123/o/oauth2/auth?state=s2');
    expect(seen).toEqual([
      'announced onedrive https://login.example.com/authorize?state=s1',
      'opened https://login.example.com/authorize?state=s1',
      'announced onedrive http://127.0.0.1:8123/o/oauth2/auth?state=s2',
      'opened http://127.0.0.1:8123/o/oauth2/auth?state=s2',
    ]);
  });

  it('refuses any other address: nothing announced, nothing opened, and the refusal does not repeat it', async () => {
    const seen: string[] = [];
    const open = announcedSignIn(
      'gdrive',
      async (url) => {
        seen.push(url);
      },
      (announced) => seen.push(announced.url),
    );
    for (const url of [
      'javascript:alert(1)',
      'file:///etc/passwd?state=secret-state',
      'ms-settings:privacy',
      'https://user:pw@login.example.com/',
      'not an address',
    ]) {
      const refusal = await open(url).then(
        () => null,
        (error: Error) => error.message,
      );
      expect(refusal, url).toBe(
        'the sign-in address of gdrive is not a web page (http or https): not opened',
      );
    }
    expect(seen).toEqual([]);
  });

  it('still fails the sign-in when the host cannot open the page, after the UI was told where it is', async () => {
    const announced: string[] = [];
    const open = announcedSignIn(
      'gdrive',
      () => Promise.reject(new Error('no browser')),
      (event) => announced.push(event.url),
    );
    await expect(open('https://accounts.example.com/auth')).rejects.toThrow('no browser');
    expect(announced).toEqual(['https://accounts.example.com/auth']);
  });
});

describe('the UI keeps the sign-in address to link to', () => {
  it('per destination, the latest one, and only web addresses', () => {
    let view = applyEvent(emptyView(), started('onedrive', 'https://login.example.com/a'));
    view = applyEvent(view, started('gdrive', 'https://accounts.example.com/b'));
    view = applyEvent(view, started('onedrive', 'https://login.example.com/c'));
    expect(view.signIns).toEqual({
      onedrive: 'https://login.example.com/c',
      gdrive: 'https://accounts.example.com/b',
    });
    // Whatever sent it, a page renders no javascript: or file: link.
    expect(applyEvent(view, started('gdrive', 'javascript:alert(1)')).signIns).toBe(view.signIns);
    expect(applyEvent(view, started('gdrive', 'file:///etc/passwd')).signIns.gdrive).toBe(
      'https://accounts.example.com/b',
    );
  });

  it("forgets a destination's address when a new sign-in of it starts, events still in the batch included", async () => {
    let deliver: (event: BridgeEvent) => void = () => {};
    const bridge: UploaderBridge = {
      invoke: () => new Promise(() => {}),
      onEvent: (listener) => {
        deliver = listener;
        return () => {};
      },
    };
    const app = createAppStore(bridge);
    const stop = app.actions.start();
    deliver(started('gdrive', 'https://accounts.example.com/old'));
    deliver(started('onedrive', 'https://login.example.com/other'));
    app.actions.signInStarting('gdrive');
    expect(app.store.getState().signIns).toEqual({ onedrive: 'https://login.example.com/other' });
    deliver(started('gdrive', 'https://accounts.example.com/new'));
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(app.store.getState().signIns.gdrive).toBe('https://accounts.example.com/new');
    stop();
  });
});

import type { SignInStarted } from '../../../src-shared/bridge-contract.ts';
import type { DestinationKind } from '../../../src-shared/settings.ts';
import { isOpenableWebUrl } from '../../../src-shared/web-address.ts';

/**
 * A host's `openBrowser` for one destination's sign-in, which first tells the UI where the sign-in
 * waits: a headless host can only print the address in its terminal, which a person using the
 * browser UI never sees. Only a web page is announced or opened; any other address is refused, and
 * the refusal does not repeat it (it may carry the sign-in's state).
 */
export function announcedSignIn(
  destination: DestinationKind,
  openBrowser: (url: string) => Promise<void>,
  announce: (started: SignInStarted) => void,
): (url: string) => Promise<void> {
  return async (url) => {
    if (!isOpenableWebUrl(url)) {
      throw new Error(`the sign-in address of ${destination} is not a web page (http or https): not opened`);
    }
    announce({ destination, url });
    await openBrowser(url);
  };
}

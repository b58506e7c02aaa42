import { app, type Session } from 'electron';

/**
 * The renderer may ask for nothing: no camera, notifications, geolocation, USB, serial or HID.
 * Under `npm run dev` the CSP rides on response headers, as the Vite server sets none.
 */
export function hardenSession(session: Session, devCsp: string | null): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
  if (devCsp !== null) {
    session.webRequest.onHeadersReceived((details, callback) => {
      callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [devCsp] } });
    });
  }
}

/** Whatever web contents ever appear: no <webview>, no new windows. */
export function guardAllWebContents(): void {
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });
}

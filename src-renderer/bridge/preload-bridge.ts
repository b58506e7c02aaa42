import { BridgeError, type UploaderBridge } from '../../src-shared/bridge-client.ts';

/**
 * The desktop preload's `window.uploader`, made to fail like every other carrier: its rejections
 * cross Electron's context bridge as plain {message, code} objects (an Error would lose its code),
 * and come out here as BridgeErrors again.
 */
export function withBridgeErrors(inner: UploaderBridge): UploaderBridge {
  return {
    invoke: (method, params) =>
      inner.invoke(method, params).catch((error: unknown) => {
        throw asBridgeError(error);
      }),
    onEvent: (listener) => inner.onEvent(listener),
  };
}

function asBridgeError(error: unknown): BridgeError {
  if (error instanceof BridgeError) return error;
  const { message, code } = (typeof error === 'object' && error !== null ? error : {}) as {
    message?: unknown;
    code?: unknown;
  };
  return new BridgeError(
    typeof message === 'string' ? message : String(error),
    typeof code === 'string' ? code : 'failed',
  );
}

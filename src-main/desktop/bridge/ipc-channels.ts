/** The two IPC channels of the bridge: requests up from the window, responses and events down. */
export const BRIDGE_REQUEST_CHANNEL = 'uploader:request';
export const BRIDGE_MESSAGE_CHANNEL = 'uploader:message';

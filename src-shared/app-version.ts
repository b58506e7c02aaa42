/** package.json's version (a test keeps the two equal): receipts and heartbeats name it. */
export const APP_VERSION = '0.1.0';

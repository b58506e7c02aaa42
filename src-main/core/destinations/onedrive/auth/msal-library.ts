import { lazyLibrary } from '../../lazy-library.ts';

/** MSAL, loaded on first use (see lazy-library.ts). */
export type MsalLibrary = typeof import('@azure/msal-node');

export const msal = lazyLibrary<MsalLibrary>(() => import('@azure/msal-node'));

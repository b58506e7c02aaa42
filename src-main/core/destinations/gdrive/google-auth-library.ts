import { lazyLibrary } from '../lazy-library.ts';

/** google-auth-library, loaded on first use (see lazy-library.ts). */
export type GoogleAuthLibrary = typeof import('google-auth-library');

export const googleAuth = lazyLibrary<GoogleAuthLibrary>(() => import('google-auth-library'));

/** Is this an HTTP error from the library's client? Never so before the library is loaded. */
export function isGaxiosError(error: unknown): error is import('google-auth-library').gaxios.GaxiosError {
  const loaded = googleAuth.loaded();
  return loaded !== null && error instanceof loaded.gaxios.GaxiosError;
}

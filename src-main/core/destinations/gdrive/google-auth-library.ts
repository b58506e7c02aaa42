/**
 * google-auth-library, loaded on first use: an uploader that never signs in to Google Drive (the
 * storage API, OneDrive) does not carry the library in memory. One load is shared by every caller.
 */
export type GoogleAuthLibrary = typeof import('google-auth-library');

let loading: Promise<GoogleAuthLibrary> | null = null;
let loaded: GoogleAuthLibrary | null = null;

export function loadGoogleAuth(): Promise<GoogleAuthLibrary> {
  loading ??= import('google-auth-library').then(
    (library) => {
      loaded = library;
      return library;
    },
    (error: unknown) => {
      // A failed load is tried again at the next use rather than remembered.
      loading = null;
      throw error;
    },
  );
  return loading;
}

/** Is this an HTTP error from the library's client? Never so before the library is loaded. */
export function isGaxiosError(error: unknown): error is import('google-auth-library').gaxios.GaxiosError {
  return loaded !== null && error instanceof loaded.gaxios.GaxiosError;
}

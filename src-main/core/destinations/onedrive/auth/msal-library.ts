/**
 * MSAL, loaded on first use: an uploader that never signs in to OneDrive (the storage API, Google
 * Drive) does not carry the library in memory. One load is shared by every caller.
 */
export type MsalLibrary = typeof import('@azure/msal-node');

let loading: Promise<MsalLibrary> | null = null;
let loaded: MsalLibrary | null = null;

export function loadMsal(): Promise<MsalLibrary> {
  loading ??= import('@azure/msal-node').then(
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

/** The library if it has been loaded, else null (then no error can have come from it). */
export function loadedMsal(): MsalLibrary | null {
  return loaded;
}

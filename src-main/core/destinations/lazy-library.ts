/**
 * A library loaded on first use: an uploader that never signs in to a destination does not carry
 * that destination's sign-in library in memory. One load is shared by every caller; a failed load
 * is tried again at the next use rather than remembered.
 */
export interface LazyLibrary<T> {
  load(): Promise<T>;
  /** The library if it has been loaded, else null (then no error can have come from it). */
  loaded(): T | null;
}

export function lazyLibrary<T>(importLibrary: () => Promise<T>): LazyLibrary<T> {
  let loading: Promise<T> | null = null;
  let loaded: T | null = null;
  return {
    load() {
      loading ??= importLibrary().then(
        (library) => {
          loaded = library;
          return library;
        },
        (error: unknown) => {
          loading = null;
          throw error;
        },
      );
      return loading;
    },
    loaded: () => loaded,
  };
}

/**
 * The operating system of the machine the uploader runs on: its paths are the ones the recordings
 * folder is typed in, whatever machine the page is shown on (the headless host's browser UI may be
 * opened from another one).
 */
export const HOST_PLATFORMS = ['windows', 'macos', 'linux'] as const;
export type HostPlatform = (typeof HOST_PLATFORMS)[number];

/** Node's `process.platform` as the UI words paths: Windows, macOS, or the POSIX rest. */
export function hostPlatformOf(nodePlatform: string): HostPlatform {
  if (nodePlatform === 'win32') return 'windows';
  if (nodePlatform === 'darwin') return 'macos';
  return 'linux';
}

/**
 * Whether a URL may be handed to the OS to open: web pages only (sign-in pages, an uploaded file's
 * link). file:, javascript:, custom schemes that launch other programs, and URLs with credentials
 * in them are refused.
 */
export function isOpenableWebUrl(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return (
    (parsed.protocol === 'https:' || parsed.protocol === 'http:') &&
    parsed.hostname !== '' &&
    parsed.username === '' &&
    parsed.password === ''
  );
}

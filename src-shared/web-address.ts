interface ParsedUrl {
  protocol: string;
  hostname: string;
  username: string;
  password: string;
}

/** The WHATWG URL parser, global in Node and in browsers alike (src-shared is typed for neither). */
declare const URL: new (url: string) => ParsedUrl;

/**
 * Whether a URL may be handed to the OS or shown as a link to open: web pages only (sign-in pages,
 * an uploaded file's link). file:, javascript:, custom schemes that launch other programs, and URLs
 * with credentials in them are refused.
 */
export function isOpenableWebUrl(url: string): boolean {
  let parsed: ParsedUrl;
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

/**
 * Every secret value this process holds — tokens read from the keychain or the environment, access
 * and refresh tokens it was issued — so that redaction removes each one by its exact value
 * wherever it turns up (a server echoing the Authorization header into its error body), even in
 * a shape no pattern recognises. Values only: never written anywhere, gone with the process.
 */
const held = new Set<string>();

/** Shorter values would match ordinary words: every credential the uploader handles is longer. */
const SHORTEST_SECRET = 8;

export function holdSecret(value: string | null | undefined): void {
  if (typeof value !== 'string') return;
  const trimmed = value.trim();
  if (trimmed.length < SHORTEST_SECRET) return;
  held.add(trimmed);
  // A value may also travel URL-encoded (a query string, a form body).
  const encoded = encodeURIComponent(trimmed);
  if (encoded !== trimmed) held.add(encoded);
}

/** Each `secret` in a token cache (MSAL's access, refresh and id tokens), held by value. */
export function holdSecretsOfCache(json: string | null): void {
  if (json === null) return;
  try {
    visit(JSON.parse(json));
  } catch {
    // Not JSON: nothing to find in it.
  }
}

function visit(value: unknown): void {
  if (typeof value !== 'object' || value === null) return;
  for (const [name, inner] of Object.entries(value)) {
    if (name === 'secret' && typeof inner === 'string') holdSecret(inner);
    else visit(inner);
  }
}

/** Replaces every held value found in `text`, longest first (one may contain another). */
export function removeHeldSecrets(text: string, replacement: string): string {
  if (held.size === 0) return text;
  let result = text;
  for (const value of [...held].sort((a, b) => b.length - a.length)) {
    if (result.includes(value)) result = result.split(value).join(replacement);
  }
  return result;
}

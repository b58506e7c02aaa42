import { removeHeldSecrets } from './held-secrets.ts';

/**
 * The last line of defence: callers never log secrets on purpose, but a server's error body, a
 * request URL or a header dump can carry one. Each rule keeps the name of what was removed, so
 * the line still says what happened.
 */
export const REDACTED = '[redacted]';

// Names under which credentials travel in query strings, form bodies, JSON and token caches.
const CREDENTIAL_NAMES = [
  '(?:access|refresh|id|api)[_-]?token',
  'token',
  'api[_-]?key',
  'x-api-key',
  'client[_-]?secret',
  'code[_-]?verifier',
  'password',
  'secret',
  // A OneDrive upload URL's tempauth and a Drive session's upload_id each let anyone upload.
  'tempauth',
  'upload_id',
  // An Azure shared access signature: the signature is the credential.
  'sig',
].join('|');

const COMPOUND_NAMES = '(?:access|refresh|id|api)_token|api_key|client_secret|code_verifier';

const RULES: Array<[RegExp, string]> = [
  // "Bearer x" anywhere: headers, curl lines, error messages. RFC 6750 token characters.
  [/\b(Bearer)\s+[A-Za-z0-9\-._~+/]+=*/gi, `$1 ${REDACTED}`],
  // Other authorization schemes (Basic, Digest, raw keys); Bearer is kept by the rule above.
  [/\b(authorization["']?\s*[:=]\s*["']?)(?!\s*bearer\s)[^"'\r\n]+/gi, `$1${REDACTED}`],
  // API-key and cookie headers, whole values (a cookie header carries several sessions at once).
  [/\b(x-api-key["']?\s*[:=]\s*["']?)[^"'\s,;]+/gi, `$1${REDACTED}`],
  [/\b((?:set-)?cookie["']?\s*[:=]\s*["']?)[^"'\r\n]+/gi, `$1${REDACTED}`],
  // A password in a URL's user information: scheme://user:password@host.
  [/\b([a-z][a-z0-9+.-]*:\/\/[^/\s:@]*:)[^/\s@]+@/gi, `$1${REDACTED}@`],
  // JSON, plain and escaped inside another JSON string.
  [new RegExp(`("(?:${CREDENTIAL_NAMES})"\\s*:\\s*)"(?:[^"\\\\]|\\\\.)*"`, 'gi'), `$1"${REDACTED}"`],
  [new RegExp(`(\\\\"(?:${CREDENTIAL_NAMES})\\\\"\\s*:\\s*)\\\\".*?\\\\"`, 'gi'), `$1\\"${REDACTED}\\"`],
  // Query strings and form bodies.
  [new RegExp(`\\b((?:${CREDENTIAL_NAMES})=)[^&\\s"'<>,;]+`, 'gi'), `$1${REDACTED}`],
  // "refresh_token: x" in free text; bare "token:" is too common in prose to treat this way.
  [new RegExp(`\\b((?:${COMPOUND_NAMES})\\s*:\\s*)[^\\s"',;]+`, 'gi'), `$1${REDACTED}`],
  // Tokens recognisable by their shape wherever they appear: JWTs, Google access and refresh tokens, API keys.
  [/\beyJ[A-Za-z0-9_-]{4,}\.eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g, REDACTED],
  [/\bya29\.[A-Za-z0-9_-]{10,}/g, REDACTED],
  [/\b1\/\/0[A-Za-z0-9_-]{20,}/g, REDACTED],
  [/\bAIza[0-9A-Za-z_-]{35}\b/g, REDACTED],
  // Microsoft consumer (MSA) access and refresh tokens, and Google authorization codes.
  [/\bEwB[A-Za-z0-9+/=_-]{20,}/g, REDACTED],
  [/\bM\.C\d[A-Za-z0-9_.!*$-]{10,}/g, REDACTED],
  [/\b4\/0[A-Za-z0-9_-]{10,}/g, REDACTED],
  // A bare run of 32 or more hex digits is a token or key (tok_…, API keys), unless it is labelled
  // as the hash it is ("sha256 …", "md5: …", "the local file's md5 is …"): a file's hash is
  // evidence, and is kept.
  [
    /(?<!(?:sha-?256|sha-?1|md5|hash|hashes|digest|checksum|etag)(?:\W{0,4}|\s+is\s+))(?<![0-9A-Fa-f])[0-9A-Fa-f]{32,}(?![0-9A-Fa-f])/gi,
    REDACTED,
  ],
];

const CREDENTIAL_FIELD = new RegExp(`^(?:${CREDENTIAL_NAMES}|authorization)$`, 'i');

export function redactSecrets(text: string): string {
  // Exact values first: a held token is removed whole before a pattern could leave part of it.
  let result = removeHeldSecrets(text, REDACTED);
  for (const [pattern, replacement] of RULES) result = result.replace(pattern, replacement);
  return result;
}

/** Error text kept on disk or sent on the bridge (a job's last error, a reason): redacted as the log is. */
export function redactReason<T extends string | null>(text: T): T {
  return (text === null ? null : redactSecrets(text)) as T;
}

/** True for a log field whose name alone says its value is a credential. */
export const isCredentialName = (name: string): boolean => CREDENTIAL_FIELD.test(name);

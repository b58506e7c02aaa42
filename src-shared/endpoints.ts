import { z } from 'zod';

/**
 * Where credentials travel. Every endpoint is https, except on this machine (a test server, a
 * local proxy) or at a plain-http origin an administrator's policy names for a test network:
 * a token sent over plain http to another machine is a token given away.
 */
export const ENDPOINT_SETTINGS = [
  'storageApiBaseUrl',
  'oneDriveAuthorityHost',
  'graphBaseUrl',
  'googleAuthUrl',
  'googleTokenUrl',
  'googleRevokeUrl',
  'driveApiBaseUrl',
] as const;
export type EndpointSetting = (typeof ENDPOINT_SETTINGS)[number];

interface ParsedUrl {
  protocol: string;
  hostname: string;
  origin: string;
}

/** The WHATWG URL parser, global in Node and in browsers alike (src-shared is typed for neither). */
declare const URL: new (url: string) => ParsedUrl;

function parse(url: string): ParsedUrl | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname.toLowerCase());
}

/** `https://host[:port]`: what a credential is bound to; null for what is not an http(s) URL. */
export function originOf(url: string): string | null {
  const parsed = parse(url);
  if (parsed === null) return null;
  return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.origin : null;
}

/**
 * Why a URL may not carry a credential (or a recording), or null when it may: https anywhere;
 * plain http only to a loopback host or to an origin listed in `plainHttpOrigins`; nothing else.
 */
export function endpointProblem(url: string, plainHttpOrigins: readonly string[] = []): string | null {
  const parsed = parse(url);
  if (parsed === null) return 'is not a URL';
  if (parsed.protocol === 'https:') return null;
  if (parsed.protocol !== 'http:')
    return `uses the ${parsed.protocol.replace(/:$/, '')} scheme: only https is allowed`;
  if (isLoopbackHost(parsed.hostname) || plainHttpOrigins.includes(parsed.origin)) return null;
  return 'is plain http: only https is allowed, except on this machine (127.0.0.1, localhost) or at an origin the policy allows (plainHttpOrigins)';
}

/** A URL setting that must satisfy endpointProblem; `allowEmpty` for a setting that may be unset. */
export function endpointUrl(plainHttpOrigins: readonly string[], allowEmpty = false) {
  const url = z.url().superRefine((value, context) => {
    const problem = endpointProblem(value, plainHttpOrigins);
    if (problem !== null) context.addIssue({ code: 'custom', message: problem });
  });
  return allowEmpty ? z.union([z.literal(''), url]) : url;
}

import { Agent, fetch as undiciFetch } from 'undici';

/**
 * A fetch that trusts one extra CA (a test identity provider's certificate made at start), the
 * way a host's fetch trusts the OS certificate store. NODE_EXTRA_CA_CERTS would only work for a
 * process started with it; an in-process test hands the core this fetch instead, just as the
 * desktop hands it Electron's.
 */
export function fetchTrusting(caPem: string): typeof fetch {
  const dispatcher = new Agent({ connect: { ca: caPem } });
  return ((input: Parameters<typeof fetch>[0], init?: RequestInit) =>
    undiciFetch(input as never, { ...(init as object), dispatcher } as never)) as unknown as typeof fetch;
}

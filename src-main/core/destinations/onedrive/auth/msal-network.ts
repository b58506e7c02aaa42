import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from '@azure/msal-node';
import { faultFromError } from '../../http-fault.ts';
import { msal } from './msal-library.ts';

/**
 * MSAL's requests (token, refresh) go through the host's fetch like every other request: on the
 * desktop that follows the system proxy and the OS certificate store, which MSAL's own client,
 * bound to Node's global fetch, would not.
 */
export async function hostNetworkModule(
  fetchImpl: typeof fetch,
  timeoutMs: () => number,
): Promise<INetworkModule> {
  const { AuthError } = await msal.load();
  const send = async <T>(
    method: 'GET' | 'POST',
    url: string,
    options: NetworkRequestOptions | undefined,
    timeout: number | undefined,
  ): Promise<NetworkResponse<T>> => {
    const signal = AbortSignal.timeout(timeout ?? timeoutMs());
    const init: RequestInit = { method, headers: options?.headers ?? {}, signal };
    if (method === 'POST') init.body = options?.body ?? '';
    let response: Response;
    try {
      response = await fetchImpl(url, init);
    } catch (error) {
      // An AuthError passes through MSAL untouched, so the reason reaches the operator.
      const fault = faultFromError(error, `Microsoft sign-in ${method} ${new URL(url).pathname}`, signal);
      throw new AuthError('network_error', fault.message);
    }
    const headers: Record<string, string> = {};
    response.headers.forEach((value, key) => {
      headers[key] = value;
    });
    const text = await response.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new AuthError(
        'token_parsing_error',
        `Microsoft sign-in answered ${response.status} with a body that is not JSON`,
      );
    }
    return { headers, body: body as T, status: response.status };
  };
  return {
    sendGetRequestAsync: (url, options, timeout) => send('GET', url, options, timeout),
    sendPostRequestAsync: (url, options) => send('POST', url, options, undefined),
  };
}

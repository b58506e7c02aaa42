import { TransferFault } from '../../faults.ts';
import { faultFromResponse, parseRetryAfter, type ResponseContext, serverMessage } from '../http-fault.ts';

/**
 * Graph says *why* in `error.code`, and a 403 means very different things by code: a folder the
 * account may only read, a full drive or a policy never pass by signing in again; throttling passes
 * with time; only a refused token needs a new sign-in.
 */
const NEEDS_SIGN_IN = new Set([
  'InvalidAuthenticationToken',
  'unauthenticated',
  'AuthenticationError',
  'ExpiredAuthenticationToken',
  'invalidToken',
]);
const NO_ROOM = new Set(['quotaLimitReached', 'insufficientStorage']);
const PACING = new Set(['activityLimitReached', 'throttledRequest']);

export async function graphFault(response: Response, context: ResponseContext): Promise<TransferFault> {
  const text = await response.text().catch(() => '');
  const status = response.status;
  const codes = errorCodes(text);
  const said = serverMessage(text);
  const message = `${context.what} answered ${status}${said === null ? '' : `: ${said}`}`;
  if (codes.some((code) => NO_ROOM.has(code)) || status === 507) {
    return new TransferFault('rejected', `${message} (the OneDrive has no room left)`, { status });
  }
  if (status === 403 && codes.some((code) => PACING.has(code))) {
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), context.now ?? Date.now());
    return new TransferFault(
      'throttled',
      message,
      retryAfterMs === undefined ? { status } : { status, retryAfterMs },
    );
  }
  if (status === 403 && !codes.some((code) => NEEDS_SIGN_IN.has(code))) {
    // accessDenied, notAllowed…: new credentials with the same rights would not help.
    const code = codes[0];
    return new TransferFault('rejected', code === undefined ? message : `${message} (${code})`, { status });
  }
  return faultFromResponse(new Response(text, { status, headers: response.headers }), context);
}

/** `{error: {code, innerError: {code}}}`, outer code first. */
export function errorCodes(text: string): string[] {
  try {
    const codes: string[] = [];
    let error = (JSON.parse(text) as { error?: unknown }).error;
    for (let depth = 0; depth < 4 && typeof error === 'object' && error !== null; depth += 1) {
      const { code, innerError, innererror } = error as Record<string, unknown>;
      if (typeof code === 'string') codes.push(code);
      error = innerError ?? innererror;
    }
    return codes;
  } catch {
    return [];
  }
}

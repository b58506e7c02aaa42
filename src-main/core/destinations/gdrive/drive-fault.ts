import { TransferFault } from '../../faults.ts';
import { faultFromResponse, parseRetryAfter, serverMessage } from '../http-fault.ts';

/**
 * Drive says *why* in `error.errors[].reason`, and a 403 means very different things by reason:
 * rate limits pass with time (Drive's guidance is exponential backoff), a full quota or a folder
 * the account may not write to does not, and missing scopes need a new sign-in.
 */
const RATE_LIMITED = new Set([
  'rateLimitExceeded',
  'userRateLimitExceeded',
  'sharingRateLimitExceeded',
  'dailyLimitExceeded',
  'backendError',
]);
const NEEDS_SIGN_IN = new Set(['insufficientPermissions', 'insufficientScopes', 'authError']);
const NO_ROOM = new Set(['storageQuotaExceeded', 'quotaExceeded', 'teamDriveFileLimitExceeded']);

export interface DriveFaultContext {
  what: string;
  /** 404/410 here mean the upload session is gone. */
  sessionUrl?: boolean;
  now?: number;
}

export async function driveFault(response: Response, context: DriveFaultContext): Promise<TransferFault> {
  const text = await response.text().catch(() => '');
  const reasons = errorReasons(text);
  const status = response.status;
  const said = serverMessage(text);
  const message = `${context.what} answered ${status}${said === null ? '' : `: ${said}`}`;
  const now = context.now ?? Date.now();
  if (status === 403 && reasons.some((r) => RATE_LIMITED.has(r))) {
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), now);
    return new TransferFault(
      'throttled',
      message,
      retryAfterMs === undefined ? { status } : { status, retryAfterMs },
    );
  }
  if (status === 403 && reasons.some((r) => NO_ROOM.has(r))) {
    return new TransferFault('rejected', `${message} (the Drive account has no room left)`, { status });
  }
  if (status === 403 && !reasons.some((r) => NEEDS_SIGN_IN.has(r))) {
    // Forbidden for this file or folder: new credentials with the same rights would not help.
    return new TransferFault('rejected', message, { status });
  }
  const replay = new Response(text, { status, headers: response.headers });
  return faultFromResponse(replay, {
    what: context.what,
    ...(context.sessionUrl === undefined ? {} : { sessionUrl: context.sessionUrl }),
    now,
  });
}

/** `{error: {errors: [{reason}]}}`, or Drive's newer `{error: {status, details: [{reason}]}}`. */
export function errorReasons(text: string): string[] {
  try {
    const body = JSON.parse(text) as { error?: { errors?: unknown; details?: unknown; status?: unknown } };
    const reasons: string[] = [];
    for (const list of [body.error?.errors, body.error?.details]) {
      if (!Array.isArray(list)) continue;
      for (const entry of list) {
        const reason = (entry as { reason?: unknown }).reason;
        if (typeof reason === 'string') reasons.push(reason);
      }
    }
    return reasons;
  } catch {
    return [];
  }
}

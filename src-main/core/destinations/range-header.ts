import { TransferFault } from '../faults.ts';

/**
 * How much of a resumable upload the remote holds, from the `Range` header of its `308` answer
 * (Google's resumable protocol, which the storage API follows too): `bytes=0-LAST` → LAST + 1
 * bytes; no header → nothing held yet. `remote` names who answered, for the message.
 */
export function rangeEnd(header: string | null, remote = 'the remote'): number {
  if (header === null || header.trim() === '') return 0;
  const match = /^bytes=0-(\d+)$/.exec(header.trim());
  if (match?.[1] === undefined) {
    throw new TransferFault('rejected', `${remote} answered 308 with an unreadable Range header "${header}"`);
  }
  return Number(match[1]) + 1;
}

import { stat } from 'node:fs/promises';
import { z } from 'zod';
import type { DestinationKind } from '../../../src-shared/settings.ts';
import type { JobRecord } from '../store/job-record.ts';
import type { LedgerHead } from '../store/ledger.ts';
import { sha256Of } from '../transfer/file-sha256.ts';
import { stemOf } from '../watcher/recording-files.ts';

export const RECEIPT_FORMAT = 'recording-uploader-receipt/1';

const hex64 = z.string().regex(/^[0-9a-f]{64}$/);

/** A receipt as written, and as verify-receipt reads it back. */
export const receiptSchema = z.object({
  format: z.literal(RECEIPT_FORMAT),
  recordingId: z.string(),
  fileName: z.string(),
  sizeBytes: z.number().int().nonnegative(),
  sha256: hex64,
  remote: z.object({ id: z.string(), hashes: z.record(z.string(), z.string()) }),
  destination: z.object({
    kind: z.string(),
    account: z.string().nullable(),
    folder: z.string().nullable(),
  }),
  foundAt: z.string(),
  uploadedAt: z.string().nullable(),
  verifiedAt: z.string(),
  machine: z.string(),
  appVersion: z.string(),
  ledgerEntry: z.object({ seq: z.number().int().positive(), hash: hex64 }),
  /**
   * The recording's metadata file and where it went (placed beside the video, sent with the upload,
   * or not stored: it could not be used); null when it had none. Absent from receipts written
   * before it was given.
   */
  metadata: z
    .object({ fileName: z.string(), stored: z.enum(['beside-the-video', 'with-the-upload', 'no']) })
    .nullish(),
});
export type Receipt = z.infer<typeof receiptSchema>;

export type ReceiptMetadata = NonNullable<Receipt['metadata']>;

export interface ReceiptPlace {
  kind: DestinationKind;
  account: string | null;
  folder: string | null;
}

/** The receipt's file name beside the recording: NAME.receipt.json, NAME the video's name without its extension. */
export function receiptFileName(videoFileName: string): string {
  return `${stemOf(videoFileName)}.receipt.json`;
}

/**
 * A verified recording's receipt, from its job and its `verified` ledger entry. It is built from
 * what is stored only, so building it again gives the same bytes (placing it again is a no-op).
 */
export function buildReceipt(
  job: JobRecord,
  entry: LedgerHead,
  place: ReceiptPlace,
  metadata: ReceiptMetadata | null,
  machine: string,
  appVersion: string,
): Receipt {
  if (job.sha256 === null || job.remoteId === null || job.completedAt === null) {
    throw new Error(`job ${job.id} (${job.fileName}) is not verified: it has no receipt`);
  }
  return {
    format: RECEIPT_FORMAT,
    recordingId: job.recordingId,
    fileName: job.fileName,
    sizeBytes: job.sizeBytes,
    sha256: job.sha256,
    remote: { id: job.remoteId, hashes: job.remoteHashes as Record<string, string> },
    destination: { ...place },
    foundAt: iso(job.createdAt),
    uploadedAt: job.storedAt === null ? null : iso(job.storedAt),
    verifiedAt: iso(job.completedAt),
    machine,
    appVersion,
    ledgerEntry: { seq: entry.seq, hash: entry.hash },
    metadata,
  };
}

export function receiptBytes(receipt: Receipt): Uint8Array {
  return new TextEncoder().encode(`${JSON.stringify(receipt, null, 2)}\n`);
}

export type ReceiptCheck =
  | { matches: true; receipt: Receipt }
  | { matches: false; problems: string[]; receipt: Receipt | null };

/** Checks a file against a receipt, offline: its size and its SHA-256 must be the receipt's. */
export async function checkAgainstReceipt(receiptText: string, filePath: string): Promise<ReceiptCheck> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(receiptText);
  } catch (error) {
    return {
      matches: false,
      problems: [`the receipt is not JSON: ${(error as Error).message}`],
      receipt: null,
    };
  }
  const result = receiptSchema.safeParse(parsed);
  if (!result.success) {
    const problems = result.error.issues.map(
      (issue) => `the receipt's ${issue.path.join('.') || 'body'}: ${issue.message}`,
    );
    return { matches: false, problems, receipt: null };
  }
  const receipt = result.data;
  const problems: string[] = [];
  const size = (await stat(filePath)).size;
  if (size !== receipt.sizeBytes)
    problems.push(`the file is ${size} bytes, the receipt says ${receipt.sizeBytes}`);
  const sha256 = await sha256Of(filePath);
  if (sha256 !== receipt.sha256)
    problems.push(`the file's SHA-256 is ${sha256}, the receipt says ${receipt.sha256}`);
  return problems.length === 0 ? { matches: true, receipt } : { matches: false, problems, receipt };
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

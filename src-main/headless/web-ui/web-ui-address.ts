import { chmodSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { z } from 'zod';

/** Where the web UI of one data folder is reached: the same after every restart. */
export interface WebUiAddress {
  port: number;
  secret: string;
}

const addressSchema = z.object({
  port: z.number().int().min(1).max(65_535),
  secret: z.string().regex(/^[A-Za-z0-9_-]{43,}$/),
});

/**
 * The address the last `run --web-ui` on this data folder served, or null when there is none (or
 * the file is not one this host wrote: a new address is then made, never a guessable one kept).
 */
export function readWebUiAddress(file: string): WebUiAddress | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  try {
    const parsed = addressSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/**
 * Saved readable by the operator alone (the secret in it drives the uploader), written beside and
 * renamed into place so a crash never leaves half an address.
 */
export function saveWebUiAddress(file: string, address: WebUiAddress): void {
  const staging = `${file}.${process.pid}.tmp`;
  writeFileSync(staging, `${JSON.stringify(address)}\n`, { mode: 0o600 });
  // The mode above passes through the umask, which can only narrow it; an explicit chmod states it.
  if (process.platform !== 'win32') chmodSync(staging, 0o600);
  renameSync(staging, file);
}

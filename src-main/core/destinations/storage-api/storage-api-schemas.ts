import { z } from 'zod';
import { serverNamedAddress } from '../server-named-address.ts';

/** Server answers, validated before use: a malformed one becomes a clear error, never a crash. */
const id = z.union([z.string().min(1), z.number()]).transform(String);

export const createSessionAnswer = z.object({
  session_id: id,
  expires_at: z.string().nullish(),
  // Only http(s): a server naming file: or smb: gets a clear refusal, never a request.
  video_upload_url: serverNamedAddress().nullish(),
  metadata_upload_url: serverNamedAddress().nullish(),
  chunk_size: z.number().int().positive().nullish(),
});

export const finalizeAnswer = z.object({
  file_id: id,
  sha256: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/, 'sha256 is 64 hex digits')
    .nullish(),
  url: z.string().nullish(),
});

export const statusAnswer = z.object({
  status: z.enum(['pending', 'uploading', 'completed', 'expired']),
  received_bytes: z.number().int().nonnegative().nullish(),
  file_id: id.nullish(),
});

export const recordingsAnswer = z.array(
  z.object({
    file_id: id,
    file_name: z.string(),
    file_size: z.number().int().nonnegative(),
    sha256: z.string().nullish(),
    url: z.string().nullish(),
  }),
);

/** GET /health: any body is allowed; a JSON one may name the optional extensions the server has. */
export const healthAnswer = z.object({ extensions: z.array(z.string()).optional() }).passthrough();

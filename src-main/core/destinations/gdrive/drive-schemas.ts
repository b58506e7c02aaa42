import { z } from 'zod';

/** Drive v3 answers, validated before use. Drive sends int64 values (size, quota) as strings. */
const int64 = z
  .union([z.string().regex(/^\d+$/, 'a whole number'), z.number().int().nonnegative()])
  .transform(Number);

export const FOLDER_MIME = 'application/vnd.google-apps.folder';

export const driveFile = z.object({
  id: z.string().min(1),
  name: z.string(),
  mimeType: z.string().optional(),
  parents: z.array(z.string()).optional(),
  driveId: z.string().optional(),
  size: int64.optional(),
  md5Checksum: z
    .string()
    .regex(/^[0-9a-fA-F]{32}$/, 'md5Checksum is 32 hex digits')
    .optional(),
  webViewLink: z.string().optional(),
  trashed: z.boolean().optional(),
  appProperties: z.record(z.string(), z.string()).optional(),
});
export type DriveFileAnswer = z.infer<typeof driveFile>;

export const fileList = z.object({
  nextPageToken: z.string().optional(),
  files: z.array(driveFile).default([]),
});

export const sharedDrive = z.object({ id: z.string().min(1), name: z.string() });

export const driveList = z.object({
  nextPageToken: z.string().optional(),
  drives: z.array(sharedDrive).default([]),
});

export const about = z.object({
  user: z.object({ emailAddress: z.string().min(1), displayName: z.string().optional() }),
  storageQuota: z.object({ limit: int64.optional(), usage: int64.optional() }).optional(),
});
export type AboutAnswer = z.infer<typeof about>;

/** The fields a recording's upload asks Drive to return: md5Checksum is what verifies it. */
export const UPLOADED_FILE_FIELDS = 'id,name,size,md5Checksum,parents,driveId,webViewLink,appProperties';
export const FOLDER_FIELDS = 'id,name,mimeType,parents,driveId,trashed';

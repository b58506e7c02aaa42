import { z } from 'zod';
import { serverNamedAddress } from '../server-named-address.ts';

/** Graph's answers, validated before use: a malformed one is a clear error, never a crash. */
export const driveItemAnswer = z.object({
  id: z.string().min(1),
  name: z.string().optional(),
  size: z.number().int().nonnegative().optional(),
  webUrl: z.string().nullish(),
  folder: z.object({ childCount: z.number().int().nullish() }).passthrough().nullish(),
  file: z
    .object({ hashes: z.object({ quickXorHash: z.string().nullish() }).passthrough().nullish() })
    .passthrough()
    .nullish(),
  parentReference: z
    .object({ driveId: z.string().nullish(), id: z.string().nullish(), path: z.string().nullish() })
    .passthrough()
    .nullish(),
  root: z.object({}).passthrough().nullish(),
});
export type DriveItemAnswer = z.infer<typeof driveItemAnswer>;

export const childrenAnswer = z.object({
  value: z.array(driveItemAnswer),
  '@odata.nextLink': serverNamedAddress().nullish(),
});

export const uploadSessionAnswer = z.object({
  uploadUrl: serverNamedAddress(),
  expirationDateTime: z.string().nullish(),
});

export const uploadProgressAnswer = z.object({
  expirationDateTime: z.string().nullish(),
  nextExpectedRanges: z
    .array(z.string().regex(/^\d+-\d*$/, 'a range is "start-" or "start-end"'))
    .default([]),
});

export const meAnswer = z.object({
  id: z.string().nullish(),
  displayName: z.string().nullish(),
  userPrincipalName: z.string().nullish(),
});

export const driveAnswer = z.object({
  id: z.string().min(1),
  driveType: z.string().nullish(),
  quota: z
    .object({
      total: z.number().nullish(),
      used: z.number().nullish(),
      remaining: z.number().nullish(),
      state: z.string().nullish(),
    })
    .passthrough()
    .nullish(),
});

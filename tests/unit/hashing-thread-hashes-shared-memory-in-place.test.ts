import { createHash, randomFillSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { quickXorHashOf } from '../../src-main/core/destinations/onedrive/quick-xor-hash.ts';
import { openHash, sharedBuffer } from '../../src-main/core/transfer/hashing-thread.ts';

const node = (algorithm: string, bytes: Uint8Array): string =>
  createHash(algorithm).update(bytes).digest('hex');

describe('the hashing thread hashes the bytes an upload read, where they lie', () => {
  it('gives the same sha256, md5 and quickXorHash as hashing on this thread, over many updates', async () => {
    const whole = randomFillSync(Buffer.alloc(3 * 1024 * 1024 + 17));
    const memory = sharedBuffer(1024 * 1024);
    const hash = openHash(['sha256', 'md5', 'quickXorHash']);
    // One buffer reused for every piece, as the chunk loop reuses its two: each update must be
    // hashed by the time it settles, or the next piece would overwrite bytes not yet hashed.
    for (let at = 0; at < whole.byteLength; at += memory.byteLength) {
      const piece = whole.subarray(at, at + memory.byteLength);
      piece.copy(memory);
      await hash.update(memory.subarray(0, piece.byteLength));
    }
    expect(hash.bytes).toBe(whole.byteLength);
    expect(await hash.digest()).toEqual({
      sha256: node('sha256', whole),
      md5: node('md5', whole),
      quickXorHash: quickXorHashOf(whole),
    });
  });

  it('refuses memory it would have to copy, and several uploads hash side by side', async () => {
    const refused = openHash(['sha256']);
    await expect(refused.update(Buffer.from('not shared'))).rejects.toThrow(/sharedBuffer/);
    refused.close();

    const a = sharedBuffer(4096).fill(1);
    const b = sharedBuffer(4096).fill(2);
    const first = openHash(['sha256']);
    const second = openHash(['sha256']);
    await Promise.all([first.update(a), second.update(b), first.update(a)]);
    const [one, two] = await Promise.all([first.digest(), second.digest()]);
    expect(one.sha256).toBe(node('sha256', Buffer.concat([a, a])));
    expect(two.sha256).toBe(node('sha256', b));
  });
});

/**
 * quickXorHash as Microsoft publishes it (the C# QuickXorHash class of the OneDrive API docs),
 * ported line for line with three 64-bit cells held as BigInt. It shares nothing with the
 * uploader's implementation, so the Graph peer can stamp stored items with a hash the uploader
 * did not compute.
 */
const BITS_IN_LAST_CELL = 32;
const SHIFT = 11;
const WIDTH_IN_BITS = 160;
const CELLS = Math.floor((WIDTH_IN_BITS - 1) / 64) + 1;
const MASK64 = (1n << 64n) - 1n;

export class ReferenceQuickXor {
  readonly #data: bigint[] = new Array<bigint>(CELLS).fill(0n);
  #lengthSoFar = 0n;
  #shiftSoFar = 0;

  update(array: Uint8Array): void {
    const cbSize = array.byteLength;
    const currentShift = this.#shiftSoFar;
    let vectorArrayIndex = Math.floor(currentShift / 64);
    let vectorOffset = currentShift % 64;
    const iterations = Math.min(cbSize, WIDTH_IN_BITS);
    for (let i = 0; i < iterations; i += 1) {
      const isLastCell = vectorArrayIndex === CELLS - 1;
      const bitsInVectorCell = isLastCell ? BITS_IN_LAST_CELL : 64;
      if (vectorOffset <= bitsInVectorCell - 8) {
        let xored = 0;
        for (let j = i; j < cbSize; j += WIDTH_IN_BITS) xored ^= array[j] as number;
        this.#xorCell(vectorArrayIndex, BigInt(xored) << BigInt(vectorOffset));
      } else {
        const index1 = vectorArrayIndex;
        const index2 = isLastCell ? 0 : vectorArrayIndex + 1;
        const low = bitsInVectorCell - vectorOffset;
        let xoredByte = 0;
        for (let j = i; j < cbSize; j += WIDTH_IN_BITS) xoredByte ^= array[j] as number;
        this.#xorCell(index1, BigInt(xoredByte) << BigInt(vectorOffset));
        this.#xorCell(index2, BigInt(xoredByte) >> BigInt(low));
      }
      vectorOffset += SHIFT;
      while (vectorOffset >= bitsInVectorCell) {
        vectorArrayIndex = isLastCell ? 0 : vectorArrayIndex + 1;
        vectorOffset -= bitsInVectorCell;
      }
    }
    this.#shiftSoFar = (this.#shiftSoFar + SHIFT * (cbSize % WIDTH_IN_BITS)) % WIDTH_IN_BITS;
    this.#lengthSoFar += BigInt(cbSize);
  }

  #xorCell(index: number, value: bigint): void {
    this.#data[index] = ((this.#data[index] as bigint) ^ value) & MASK64;
  }

  digest(): string {
    const rgb = Buffer.alloc(Math.floor((WIDTH_IN_BITS - 1) / 8) + 1);
    for (let i = 0; i < CELLS - 1; i += 1) rgb.writeBigUInt64LE(this.#data[i] as bigint, i * 8);
    const last = Buffer.alloc(8);
    last.writeBigUInt64LE(this.#data[CELLS - 1] as bigint);
    last.copy(rgb, (CELLS - 1) * 8, 0, rgb.length - (CELLS - 1) * 8);
    const lengthBytes = Buffer.alloc(8);
    lengthBytes.writeBigInt64LE(this.#lengthSoFar);
    for (let i = 0; i < 8; i += 1) {
      const at = WIDTH_IN_BITS / 8 - 8 + i;
      rgb[at] = (rgb[at] as number) ^ (lengthBytes[i] as number);
    }
    return rgb.toString('base64');
  }
}

export function referenceQuickXor(bytes: Uint8Array): string {
  const hash = new ReferenceQuickXor();
  hash.update(bytes);
  return hash.digest();
}

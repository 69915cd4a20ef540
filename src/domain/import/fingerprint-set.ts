/**
 * A set of strings kept as 64-bit fingerprints in one typed array (16 bytes per member at the
 * highest load), for remembering every order id of a large file: a Set<string> costs ~80-100
 * bytes per id and made the parser's memory grow with the file. Membership can be wrong in one
 * direction only: two different strings may share a fingerprint (odds about n^2 / 2^65 over n
 * members, below 10^-7 for ten million), never the reverse. The seed is random per set, so a
 * collision in one import does not repeat in the next.
 *
 * Hand-written because no maintained package offers a compact string set for Node; the mixing is
 * MurmurHash3's 32-bit scheme, run twice with independent seeds.
 */
export class FingerprintSet {
  #slots: Int32Array;
  #mask: number;
  #size = 0;
  readonly #seed1: number;
  readonly #seed2: number;

  constructor(seeds: [number, number] = [randomSeed(), randomSeed()]) {
    this.#seed1 = seeds[0] | 0;
    this.#seed2 = seeds[1] | 0;
    this.#mask = 1023;
    this.#slots = new Int32Array(2 * 1024);
  }

  get size(): number {
    return this.#size;
  }

  /** Bytes held by the table. */
  get bytes(): number {
    return this.#slots.byteLength;
  }

  add(key: string): void {
    const a = hash32(key, this.#seed1);
    const b = hash32(key, this.#seed2);
    if (this.#insert(a, b)) {
      this.#size++;
      if (this.#size * 2 > this.#mask + 1) this.#grow();
    }
  }

  has(key: string): boolean {
    let a = hash32(key, this.#seed1);
    const b = hash32(key, this.#seed2);
    if (a === 0 && b === 0) a = 1; // (0, 0) marks an empty slot
    const slots = this.#slots;
    for (let i = (a ^ Math.imul(b, 0x9e3779b1)) & this.#mask; ; i = (i + 1) & this.#mask) {
      const x = slots[2 * i]!;
      const y = slots[2 * i + 1]!;
      if (x === 0 && y === 0) return false;
      if (x === a && y === b) return true;
    }
  }

  /** True when the fingerprint was new. */
  #insert(a: number, b: number): boolean {
    if (a === 0 && b === 0) a = 1;
    const slots = this.#slots;
    for (let i = (a ^ Math.imul(b, 0x9e3779b1)) & this.#mask; ; i = (i + 1) & this.#mask) {
      const x = slots[2 * i]!;
      const y = slots[2 * i + 1]!;
      if (x === 0 && y === 0) {
        slots[2 * i] = a;
        slots[2 * i + 1] = b;
        return true;
      }
      if (x === a && y === b) return false;
    }
  }

  #grow(): void {
    const old = this.#slots;
    this.#mask = this.#mask * 2 + 1;
    this.#slots = new Int32Array(2 * (this.#mask + 1));
    for (let i = 0; i < old.length; i += 2) {
      const a = old[i]!;
      const b = old[i + 1]!;
      if (a !== 0 || b !== 0) this.#insert(a, b);
    }
  }
}

function randomSeed(): number {
  return (Math.random() * 0x100000000) | 0;
}

/** MurmurHash3 (x86, 32-bit) over the string's UTF-16 code units, two per block. */
export function hash32(key: string, seed: number): number {
  let h = seed | 0;
  const n = key.length;
  let i = 0;
  for (; i + 1 < n; i += 2) {
    let k = (key.charCodeAt(i) | (key.charCodeAt(i + 1) << 16)) | 0;
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  if (i < n) {
    let k = key.charCodeAt(i);
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
  }
  h ^= n * 2;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}

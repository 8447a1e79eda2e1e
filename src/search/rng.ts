/**
 * Seeded PRNG for search policies: sfc32 (Chris Doty-Humphrey's Small Fast Counting generator).
 *
 * Its whole state is four uint32 words in a plain array, so a workflow can keep it in its state, pass it
 * across continue-as-new, and replay it exactly. No Math.random, no Date.now: same seed, same sequence.
 */

/** Four uint32 words [a, b, c, d]; d is sfc32's counter, which rules out short cycles. JSON as is. */
export type RngState = [number, number, number, number];

const TWO_POW_32 = 4294967296;

/** murmur3's 32-bit finaliser: a bijection on uint32 with full avalanche. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Low and high 32-bit words of a safe integer (two's complement for negatives), so no seed bits are dropped. */
function words(value: number, what: string): [number, number] {
  if (!Number.isSafeInteger(value)) {
    throw new RangeError(`${what} must be a safe integer, got ${value}`);
  }
  return [value >>> 0, Math.floor(value / TWO_POW_32) >>> 0];
}

/** Advances the state in place and returns the next uint32 output. */
function sfc32(s: RngState): number {
  const [a, b, c, d] = s;
  const t = (((a + b) | 0) + d) | 0;
  s[0] = (b ^ (b >>> 9)) >>> 0;
  s[1] = (c + (c << 3)) >>> 0;
  s[2] = ((((c << 21) | (c >>> 11)) + t) | 0) >>> 0;
  s[3] = (d + 1) >>> 0;
  return t >>> 0;
}

/**
 * Initial state for a seed (any safe integer). The first two words are bijections of the seed's low
 * and high words, so distinct seeds always start from distinct states.
 */
export function createRng(seed: number): RngState {
  const [lo, hi] = words(seed, 'seed');
  const state: RngState = [
    fmix32(lo ^ 0x9e3779b9),
    fmix32(hi ^ 0x7f4a7c15),
    fmix32((lo + fmix32(hi)) >>> 0),
    1,
  ];
  // The author's recommended warm-up: nearby seeds decorrelate before the first output.
  for (let i = 0; i < 12; i++) sfc32(state);
  return state;
}

/**
 * A new seed from a seed and salts (e.g. a node id, an island index), as a uint32. Order matters:
 * deriveSeed(s, 1, 2) differs from deriveSeed(s, 2, 1). Used to give each node its own stream.
 */
export function deriveSeed(seed: number, ...salts: number[]): number {
  let h = 0x811c9dc5;
  const fold = (w: number): void => {
    // boost::hash_combine over a mixed word, then re-mixed so every input bit reaches every output bit.
    h = fmix32((h ^ (fmix32(w) + 0x9e3779b9 + (h << 6) + (h >>> 2))) >>> 0);
  };
  for (const w of words(seed, 'seed')) fold(w);
  for (const salt of salts) {
    for (const w of words(salt, 'salt')) fold(w);
  }
  return h;
}

/** A stateful view over an RngState. It copies the state in and out, so callers never share arrays. */
export class Rng {
  readonly #s: RngState;

  constructor(state: RngState) {
    if (
      !Array.isArray(state) ||
      state.length !== 4 ||
      !state.every((w) => Number.isInteger(w) && w >= 0 && w < TWO_POW_32)
    ) {
      throw new RangeError(`RNG state must be four uint32 words, got ${JSON.stringify(state)}`);
    }
    this.#s = [state[0], state[1], state[2], state[3]];
  }

  /** A float in [0, 1) with 32 bits of resolution. Exactly one draw. */
  next(): number {
    return sfc32(this.#s) / TWO_POW_32;
  }

  /**
   * An integer in [0, maxExclusive). Exactly one draw (no rejection loop) so call sequences stay
   * aligned across runs; the bias is at most maxExclusive / 2^32, negligible for search choices.
   */
  int(maxExclusive: number): number {
    if (!Number.isInteger(maxExclusive) || maxExclusive < 1 || maxExclusive > TWO_POW_32) {
      throw new RangeError(`maxExclusive must be an integer in [1, 2^32], got ${maxExclusive}`);
    }
    return Math.floor(this.next() * maxExclusive);
  }

  /** A uniformly chosen item. Exactly one draw. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('cannot pick from an empty list');
    return items[this.int(items.length)] as T;
  }

  /** A copy of the current state, to store back in workflow state. */
  get state(): RngState {
    return [this.#s[0], this.#s[1], this.#s[2], this.#s[3]];
  }
}

/**
 * The bootstrap's random source: xoshiro128+, its state derived from the seed by a
 * splitmix-style hash, so the same inputs and seed always give the same interval.
 */

/** The generator's four words of state for a seed (splitmix32, so no seed gives all zeros). */
export function seedState(seed: number): Uint32Array {
  const state = new Uint32Array(4);
  let x = seed >>> 0;
  for (let i = 0; i < 4; i++) {
    x = (x + 0x9e3779b9) | 0;
    let z = x;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    state[i] = z ^ (z >>> 16);
  }
  return state;
}

/**
 * xoshiro128+ as a function returning uint32 draws: the same sequence the bootstrap loop
 * inlines (exported for tests and for generating benchmark data).
 */
export function createRandom(seed: number): () => number {
  const [a, b, c, d] = seedState(seed);
  let s0 = a!;
  let s1 = b!;
  let s2 = c!;
  let s3 = d!;
  return () => {
    const result = (s0 + s3) >>> 0;
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = (s3 << 11) | (s3 >>> 21);
    return result;
  };
}

/** mulberry32: a tiny seeded generator, so a failure can be replayed from its seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The seed of a randomized test: SKEWLESS_TEST_SEED to replay one, else a fresh one (printed in the test's name). */
export const TEST_SEED = Number(process.env.SKEWLESS_TEST_SEED ?? Date.now() % 100000);

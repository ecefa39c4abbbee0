/**
 * The benchmark seeds' random numbers: sfc32, small and fast, the same sequence for the same seed
 * on every run, so a seeded database is the same each time.
 */
const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

export function createRandom(seed: number) {
  let a = 0x9e3779b9,
    b = 0x243f6a88,
    c = 0xb7e15162,
    d = seed >>> 0;
  const next = () => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    let t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    t = (t + d) | 0;
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 20; i++) next();
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  const between = (min: number, max: number) => min + next() * (max - min);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  /** Base32 like the app's ids: 39 characters for 24 random bytes (users, sessions, entries), 16 for leads. */
  const id = (length = 39) => {
    let text = '';
    for (let i = 0; i < length; i++) text += BASE32[Math.floor(next() * 32)];
    return text;
  };
  return { next, int, between, pick, id };
}

export type Random = ReturnType<typeof createRandom>;

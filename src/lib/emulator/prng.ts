/**
 * xoshiro128** seeded through splitmix32: small, fast and reproducible. One instance drives every random choice
 * in the emulator (resource ids, endpoint hashes, request ids), so a seed replays a run exactly.
 */
export class Prng {
  private s: Uint32Array

  constructor(seed: number) {
    this.s = new Uint32Array(4)
    let x = seed >>> 0
    for (let i = 0; i < 4; i++) {
      x = (x + 0x9e3779b9) >>> 0
      let z = x
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0
      this.s[i] = (z ^ (z >>> 16)) >>> 0
    }
  }

  /** The generator's state, so a restarted daemon continues the sequence instead of repeating ids. */
  get state(): number[] {
    return [...this.s]
  }

  set state(words: number[]) {
    if (words.length !== 4) throw new Error('PRNG state must have 4 words')
    this.s = Uint32Array.from(words)
  }

  /** A uniformly distributed unsigned 32-bit integer. */
  nextUint32(): number {
    const s = this.s
    const result = Math.imul(rotl(Math.imul(s[1], 5) >>> 0, 7), 9) >>> 0
    const t = (s[1] << 9) >>> 0
    s[2] ^= s[0]
    s[3] ^= s[1]
    s[1] ^= s[2]
    s[0] ^= s[3]
    s[2] ^= t
    s[3] = rotl(s[3], 11)
    return result
  }

  /** A float in [0, 1). */
  next(): number {
    return this.nextUint32() / 0x1_0000_0000
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n)
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('cannot pick from an empty list')
    return items[this.int(items.length)]
  }

  fromAlphabet(alphabet: string, length: number): string {
    let out = ''
    for (let i = 0; i < length; i++) out += alphabet[this.int(alphabet.length)]
    return out
  }

  hex(length: number): string {
    return this.fromAlphabet('0123456789abcdef', length)
  }

  /** Lowercase letters and digits, the alphabet of Aurora endpoint hashes. */
  alnum(length: number): string {
    return this.fromAlphabet('abcdefghijklmnopqrstuvwxyz0123456789', length)
  }

  /** A random UUID-shaped string (the format of RDS RequestIds). */
  uuid(): string {
    return `${this.hex(8)}-${this.hex(4)}-${this.hex(4)}-${this.hex(4)}-${this.hex(12)}`
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0
}

/** The seed from AURORACTL_SEED, or a fresh random one. Throws on a value that is not an unsigned 32-bit integer. */
export function seedFromEnv(value: string | undefined): number {
  if (value === undefined || value === '') return Math.floor(Math.random() * 0x1_0000_0000)
  if (!/^\d+$/.test(value) || Number(value) > 0xffff_ffff) {
    throw new Error(`AURORACTL_SEED must be an integer between 0 and 4294967295, got "${value}"`)
  }
  return Number(value)
}

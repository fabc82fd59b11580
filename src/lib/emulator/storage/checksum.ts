import zlib from 'node:zlib'

const TABLE = (() => {
  const table = new Uint32Array(256)
  for (let n = 0; n < 256; n++) {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    table[n] = c >>> 0
  }
  return table
})()

function tableCrc32(bytes: Uint8Array, seed = 0): number {
  let c = ~seed >>> 0
  for (let i = 0; i < bytes.length; i++) c = TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8)
  return ~c >>> 0
}

/** CRC-32 (IEEE): zlib's native one where this Node has it (≥ 20.15), the table otherwise. */
export const crc32: (bytes: Uint8Array, seed?: number) => number = typeof zlib.crc32 === 'function' ? (bytes, seed) => zlib.crc32(bytes, seed) : tableCrc32

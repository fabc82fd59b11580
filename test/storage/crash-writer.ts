/**
 * A write load on a persisted volume for the crash test: prints `w block offset value`
 * before each commit and `a lsn` once it is acknowledged, until it is killed.
 * Usage: node --import tsx test/storage/crash-writer.ts <dir> <seed>
 */
import {SystemClock} from '../../src/lib/emulator/clock.js'
import {Prng} from '../../src/lib/emulator/prng.js'
import {StorageFleet} from '../../src/lib/emulator/storage/fleet.js'
import {Volume} from '../../src/lib/emulator/storage/volume.js'

const [dir, seedText] = process.argv.slice(2)
const random = new Prng(Number(seedText))
const volume = new Volume({id: 'crash', fleet: new StorageFleet('us-east-1'), clock: new SystemClock(), directory: dir, foldAfterBytes: 16 * 1024})
let n = 0
for (;;) {
  const block = random.int(64)
  const value = 1 + random.int(250)
  const offset = random.int(8000)
  process.stdout.write(`w ${block} ${offset} ${value}\n`)
  const lsn = volume.commit([{block, ranges: [{offset, bytes: Uint8Array.of(value, value, value)}]}])
  if (!volume.isDurable(lsn)) throw new Error(`commit ${lsn} not durable`)
  process.stdout.write(`a ${lsn}\n`)
  if (++n % 50 === 0) volume.tick()
}

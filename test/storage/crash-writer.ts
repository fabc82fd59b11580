/**
 * A write load on a persisted volume for the crash test. Before each commit it records
 * `w block offset value`, and `a lsn` once the commit is acknowledged, in a journal file
 * written synchronously (so SIGKILL loses none of it, unlike a pipe whose writes can be
 * queued in the process); it also prints `a` on stdout so the test knows when to kill it.
 * Usage: node --import tsx test/storage/crash-writer.ts <volume dir> <seed> <journal file>
 */
import fs from 'node:fs'

import {SystemClock} from '../../src/lib/emulator/clock.js'
import {Prng} from '../../src/lib/emulator/prng.js'
import {StorageFleet} from '../../src/lib/emulator/storage/fleet.js'
import {Volume} from '../../src/lib/emulator/storage/volume.js'

const [dir, seedText, journalFile] = process.argv.slice(2)
const journal = fs.openSync(journalFile, 'a')
const random = new Prng(Number(seedText))
const volume = new Volume({id: 'crash', fleet: new StorageFleet('us-east-1'), clock: new SystemClock(), directory: dir, foldAfterBytes: 16 * 1024})
// A bounded load per run (the parent kills it within the first few hundred acknowledgements),
// so the volume, and the time to reopen it, stays small across fifty crashes.
const COMMITS_PER_RUN = 2000
let n = 0
while (n < COMMITS_PER_RUN) {
  const block = random.int(64)
  const value = 1 + random.int(250)
  const offset = random.int(8000)
  fs.writeSync(journal, `w ${block} ${offset} ${value}\n`)
  const lsn = volume.commit([{block, ranges: [{offset, bytes: Uint8Array.of(value, value, value)}]}])
  if (!volume.isDurable(lsn)) throw new Error(`commit ${lsn} not durable`)
  fs.writeSync(journal, `a ${lsn}\n`)
  process.stdout.write('a\n')
  if (++n % 50 === 0) volume.tick()
}
setInterval(() => undefined, 1000)

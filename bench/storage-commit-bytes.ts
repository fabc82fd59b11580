/**
 * Bytes stored per copy (one segment) for a small commit: a single-row UPDATE through
 * PostgreSQL (PGlite) on the volume, against the whole pages PostgreSQL itself writes.
 * Run: node --import tsx bench/storage-commit-bytes.ts [--updates N] [--check]
 * Prints JSON. Target (issue 3): ≤ 1 KiB per copy, against ~8.6 KiB when whole pages are shipped.
 */
import {PGlite} from '@electric-sql/pglite'

import {SystemClock} from '../src/lib/emulator/clock.js'
import {VolumeBackedFilesystem} from '../src/lib/emulator/engine/volume-fs.js'
import {VolumeFileSystem} from '../src/lib/emulator/storage/file-view.js'
import {StorageFleet} from '../src/lib/emulator/storage/fleet.js'
import {Volume} from '../src/lib/emulator/storage/volume.js'

const args = process.argv.slice(2)
const updates = Number(args[args.indexOf('--updates') + 1] || 500) || 500
const volume = new Volume({id: 'bench', fleet: new StorageFleet('us-east-1'), clock: new SystemClock()})
const view = new VolumeFileSystem(volume)

/** Counts what the compute writes to its files and what one segment stores. */
let fileBytesWritten = 0
const originalWrite = view.write.bind(view)
view.write = (fd, buffer, offset, length, position) => {
  fileBytesWritten += length
  return originalWrite(fd, buffer, offset, length, position)
}
const segment = () => volume.protectionGroups[0].members[0]

const pg = await PGlite.create({fs: new VolumeBackedFilesystem(view)})
await pg.exec('create table accounts (id int primary key, balance int not null, note text)')
await pg.exec(`insert into accounts select g, 0, repeat('x', 40) from generate_series(1, 1000) g`)
await pg.exec('checkpoint')

const logBefore = segment().logBytes
const recordsBefore = segment().recordCount
fileBytesWritten = 0
for (let i = 0; i < updates; i++) await pg.query('update accounts set balance = balance + 1 where id = $1', [1 + (i % 1000)])
const perCopy = (segment().logBytes - logBefore) / updates
const fileBytesPerCommit = fileBytesWritten / updates
await pg.close()

const result = {
  benchmark: 'storage-commit-bytes',
  updates,
  bytesPerCopyPerCommit: Math.round(perCopy),
  recordsPerCommit: Number(((segment().recordCount - recordsBefore) / updates).toFixed(2)),
  computeFileBytesPerCommit: Math.round(fileBytesPerCommit),
  ratio: Number((perCopy / fileBytesPerCommit).toFixed(3)),
  target: {bytesPerCopyPerCommit: 1024},
  met: perCopy <= 1024,
}
console.log(JSON.stringify(result, null, 2))
if (args.includes('--check') && !result.met) process.exit(1)

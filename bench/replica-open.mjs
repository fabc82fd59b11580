#!/usr/bin/env node
// What one replica refresh costs the daemon's thread: SqlInstance.replica (a fresh PGlite on a
// copy-on-write image of the volume at VDL) from creation to ready, and its close, at growing
// table sizes. In-memory volume, no daemon, no sockets. Progress on stderr, JSON on stdout.
//
//   node bench/replica-open.mjs [--sizes 0,1000,5000,10000,20000] [--opens 4]

import path from 'node:path'
import {performance} from 'node:perf_hooks'
import {pathToFileURL} from 'node:url'
import {parseArgs} from 'node:util'

import {ROOT, machine, report, stats} from './lib.mjs'

const {values: opts} = parseArgs({options: {sizes: {type: 'string', default: '0,1000,5000,10000,20000'}, opens: {type: 'string', default: '4'}}})
const dist = (p) => import(pathToFileURL(path.join(ROOT, 'dist', 'lib', 'emulator', p)).href)
const {SystemClock} = await dist('clock.js')
const {StorageFleet} = await dist('storage/fleet.js')
const {Volume} = await dist('storage/volume.js')
const {SqlInstance} = await dist('engine/sql-instance.js')

const volume = new Volume({id: 'bench', fleet: new StorageFleet('us-east-1'), clock: new SystemClock()})
const writer = SqlInstance.writer(volume)
const db = await writer.ready
await db.exec('CREATE TABLE t (id int PRIMARY KEY, at timestamptz NOT NULL DEFAULT now())')
let rows = 0
let generation = 0
const sizes = []
for (const target of opts.sizes.split(',').map(Number)) {
  while (rows < target) await db.query('INSERT INTO t (id) VALUES ($1)', [++rows])
  const open = []
  const close = []
  for (let i = 0; i < Number(opts.opens); i++) {
    let t = performance.now()
    const replica = SqlInstance.replica(volume, `r${++generation}`)
    const rdb = await replica.ready
    open.push(performance.now() - t)
    const {rows: seen} = await rdb.query('SELECT count(*)::int AS n FROM t')
    if (seen[0].n !== rows) throw new Error(`replica sees ${seen[0].n} rows, expected ${rows}`)
    t = performance.now()
    await replica.close()
    close.push(performance.now() - t)
  }
  sizes.push({rows, openMs: stats(open), closeMs: stats(close)})
  process.stderr.write(`${rows} rows: open median ${sizes.at(-1).openMs.median} ms\n`)
}
await writer.close()
report({benchmark: 'replica-open', machine: machine(), command: `node bench/replica-open.mjs ${process.argv.slice(2).join(' ')}`.trim(), sizes})

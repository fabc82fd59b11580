import fs from 'node:fs'

import {PGlite} from '@electric-sql/pglite'
import {afterAll, describe, expect, it} from 'vitest'

import {SystemClock} from '../../src/lib/emulator/clock.js'
import {VolumeBackedFilesystem} from '../../src/lib/emulator/engine/volume-fs.js'
import {VolumeFileSystem} from '../../src/lib/emulator/storage/file-view.js'
import {StorageFleet} from '../../src/lib/emulator/storage/fleet.js'
import {StorageUnavailable, Volume} from '../../src/lib/emulator/storage/volume.js'
import {tempDir} from '../helpers/process.js'

const dirs: string[] = []
afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, {recursive: true, force: true})
})

describe('PostgreSQL (PGlite) on the volume', () => {
  it('initialises, commits at 4/6, reopens at an earlier LSN with exactly the earlier rows, and survives a restart', async () => {
    const dir = tempDir('pgvolume')
    dirs.push(dir)
    const clock = new SystemClock()
    const fleet = new StorageFleet('us-east-1')
    const volume = new Volume({id: 'pg', fleet, clock, directory: dir})
    const pg = await PGlite.create({fs: new VolumeBackedFilesystem(new VolumeFileSystem(volume))})
    await pg.exec('create table t (id int primary key, v text)')
    await pg.query(`insert into t values (1, 'one')`)
    const afterOne = volume.vdl
    for (let i = 2; i <= 20; i++) await pg.query('insert into t values ($1, $2)', [i, `v${i}`])
    expect(volume.vdl).toBeGreaterThan(afterOne)

    // An AZ down: commits still reach 4/6.
    fleet.setAz('us-east-1a', false)
    await pg.query(`insert into t values (21, 'on four')`)
    // One more node down: the commit is refused rather than acknowledged.
    const other = volume.protectionGroups[0].members.find((s) => s.node.az === 'us-east-1b')!
    other.node.up = false
    await expect(pg.query(`insert into t values (22, 'refused')`)).rejects.toThrow()
    other.node.up = true
    fleet.setAz('us-east-1a', true)
    expect(() => volume.commit([])).not.toThrow(StorageUnavailable)
    await pg.close()

    // The volume as of an earlier consistency point is a valid database with exactly the earlier rows:
    // a copy-on-write clone at that LSN, where PostgreSQL's crash recovery runs without touching the source.
    const source = volume.vdl
    const past = await PGlite.create({fs: new VolumeBackedFilesystem(new VolumeFileSystem(volume.clone('past', afterOne)))})
    const early = await past.query<{id: number}>('select id from t order by id')
    expect(early.rows.map((r) => r.id)).toEqual([1])
    await past.close()
    expect(volume.vdl).toBe(source)

    // A restart (the daemon killed and started again) reopens the volume with every acknowledged row.
    const reopened = new Volume({id: 'pg', fleet: new StorageFleet('us-east-1'), clock, directory: dir})
    const again = await PGlite.create({fs: new VolumeBackedFilesystem(new VolumeFileSystem(reopened))})
    // Every acknowledged row is there; the refused commit's outcome was never acknowledged, so either is allowed.
    const rows = await again.query<{id: number}>('select id from t where id <= 21 order by id')
    expect(rows.rows.map((r) => r.id)).toEqual(Array.from({length: 21}, (_, i) => i + 1))
    await again.close()
  }, 120_000)
})

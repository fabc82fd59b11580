import {readFileSync} from 'node:fs'

import {PGlite} from '@electric-sql/pglite'

import {VolumeFileSystem} from '../storage/file-view.js'
import type {Volume} from '../storage/volume.js'
import {VolumeBackedFilesystem} from './volume-fs.js'

/** The PGlite build: a template image made by one build is not opened by another. */
export const ENGINE_BUILD = `pglite-${(JSON.parse(readFileSync(new URL('../package.json', import.meta.resolve('@electric-sql/pglite')), 'utf8')) as {version: string}).version}`

export interface SqlInstanceOptions {
  /** Called with the LSN and time of each commit the writer makes durable. */
  onCommit?: (lsn: number, at: number) => void
  now?: () => number
}

/**
 * One instance's PostgreSQL: PGlite on a cluster volume. The writer opens the volume
 * itself read-write; a replica opens a copy-on-write image of it at a read-point, where
 * PostgreSQL's crash recovery may write without touching the shared volume (the image
 * pins its read-point against garbage collection until the replica lets it go).
 *
 * Opening is asynchronous, fencing is not: a writer that lost its role is fenced at once,
 * even half way through opening, so nothing it holds in memory reaches the volume after
 * the new writer's recovery.
 */
export class SqlInstance {
  /** Resolves when PostgreSQL accepts queries. */
  readonly ready: Promise<PGlite>
  /** The LSN this instance sees: VDL at opening for a replica; the writer follows VDL. */
  readonly readPoint: number
  private readonly fs: VolumeBackedFilesystem
  private readonly release: () => void
  private db: PGlite | undefined
  private stopped = false

  private constructor(view: VolumeFileSystem, readPoint: number, release: () => void, options: SqlInstanceOptions) {
    const now = options.now ?? Date.now
    this.fs = new VolumeBackedFilesystem(view, options.onCommit && ((lsn) => options.onCommit!(lsn, now())))
    this.readPoint = readPoint
    this.release = release
    this.ready = PGlite.create({fs: this.fs}).then((db) => {
      this.db = db
      return db
    })
    this.ready.catch(() => this.release())
  }

  static writer(volume: Volume, options: SqlInstanceOptions = {}): SqlInstance {
    return new SqlInstance(new VolumeFileSystem(volume, {now: options.now}), volume.vdl, () => undefined, options)
  }

  /** A replica's image at the volume's current VDL; `name` must be unique among open images. */
  static replica(volume: Volume, name: string, options: SqlInstanceOptions = {}): SqlInstance {
    const readPoint = volume.vdl
    const image = volume.clone(name, readPoint)
    return new SqlInstance(new VolumeFileSystem(image, {now: options.now}), readPoint, () => volume.releasePin(`clone:${name}`), {now: options.now})
  }

  /** The open database, once ready and until closed. */
  get database(): PGlite | undefined {
    return this.stopped ? undefined : this.db
  }

  /**
   * Stops this instance. `crash` fences it first, synchronously, so nothing it still holds
   * in memory reaches the volume (a writer that lost its role must not write after the new one).
   */
  async close(options: {crash?: boolean} = {}): Promise<void> {
    if (this.stopped) return
    this.stopped = true
    if (options.crash) this.fs.fence()
    try {
      const db = await this.ready
      await db.close()
    } catch {
      // A fenced PGlite fails its shutdown checkpoint, and a failed open has nothing to close.
    }
    this.release()
  }

  get closed(): boolean {
    return this.stopped
  }
}

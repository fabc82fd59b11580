import fs from 'node:fs'
import path from 'node:path'

import type {Clock} from '../clock.js'
import {StorageFleet} from './fleet.js'
import {LogArchive} from './log-archive.js'
import {CLONE_PIN, type RepairSettings, Volume} from './volume.js'

const TEMPLATE_PREFIX = '_'

/** A persisted volume's parent and copy-on-write children, read from its metadata. */
function persistedRefs(dir: string): {parentId?: string; children: string[]} | undefined {
  const state = Volume.persistedState(dir)
  return state && {parentId: state.parent?.id, children: state.children}
}

/**
 * Every Region's storage fleet and every cluster volume, persisted under
 * `<home>/volumes/<region>/<volume id>/` (in memory only without a home).
 */
export class StorageRegistry {
  private readonly fleets = new Map<string, StorageFleet>()
  private readonly volumes = new Map<string, Volume>()
  /** Volumes being filled by a full copy (`region/id`). */
  private readonly copying = new Set<string>()
  repairPaused = false

  constructor(
    private readonly options: {home?: string; clock: Clock; repair: RepairSettings},
  ) {}

  fleet(region: string): StorageFleet {
    let fleet = this.fleets.get(region)
    if (!fleet) {
      fleet = new StorageFleet(region)
      this.fleets.set(region, fleet)
    }
    return fleet
  }

  private directory(region: string, id: string): string | undefined {
    return this.options.home ? path.join(this.options.home, 'volumes', region, id) : undefined
  }

  /** The backup store (the emulator's S3): each volume's archived log, apart from its segments. */
  private backupDirectory(region: string, id: string): string | undefined {
    return this.options.home ? path.join(this.options.home, 'backups', region, id) : undefined
  }

  /**
   * The volume of a cluster (or a template), opened from disk — after its parent, for a
   * clone, even a retired one — or created empty on first use.
   */
  volume(region: string, id: string): Volume {
    let volume = this.volumes.get(`${region}/${id}`)
    if (!volume) {
      const directory = this.directory(region, id)
      const parentRef = directory ? Volume.persistedState(directory)?.parent : undefined
      const parent = parentRef && {volume: this.volume(region, parentRef.id), lsn: parentRef.lsn}
      volume = this.register(region, id, new Volume({id, fleet: this.fleet(region), clock: this.options.clock, repair: this.options.repair, directory, parent}))
    }
    return volume
  }

  private register(region: string, id: string, volume: Volume): Volume {
    volume.repairPaused = this.repairPaused
    if (!id.startsWith(TEMPLATE_PREFIX) && !this.copying.has(`${region}/${id}`)) this.attachBackup(region, id, volume)
    this.volumes.set(`${region}/${id}`, volume)
    return volume
  }

  /** The continuous backup starts at what the volume has folded: it can rebuild any point from there on. */
  private attachBackup(region: string, id: string, volume: Volume): void {
    volume.attachArchive(new LogArchive(this.backupDirectory(region, id), volume.foldedThrough()))
  }

  has(region: string, id: string): boolean {
    return this.volumes.has(`${region}/${id}`)
  }

  /** Open, or persisted by an earlier run. */
  private exists(region: string, id: string): boolean {
    const directory = this.directory(region, id)
    return this.has(region, id) || (directory !== undefined && Volume.persistedState(directory) !== undefined)
  }

  private isRetired(region: string, id: string): boolean {
    const directory = this.directory(region, id)
    return this.volumes.get(`${region}/${id}`)?.retired ?? (directory !== undefined && Volume.persistedState(directory)?.retired === true)
  }

  /** A volume to restore or clone from: it must exist and belong to a cluster still there. */
  private source(region: string, id: string): Volume {
    if (!this.exists(region, id)) throw new Error(`no volume ${id} in ${region}`)
    const volume = this.volume(region, id)
    if (volume.retired) throw new Error(`volume ${id} in ${region} is retired: its cluster was deleted`)
    return volume
  }

  private refuseExisting(region: string, id: string): void {
    if (this.exists(region, id)) throw new Error(`volume ${id} already exists in ${region}`)
  }

  /**
   * A copy-on-write child of `sourceId` at `lsn` (a clone, or a copy-on-write restore):
   * created in O(1) whatever the source's size, persisted and registered as `newId`.
   */
  clone(region: string, sourceId: string, lsn: number, newId: string): Volume {
    const source = this.source(region, sourceId)
    this.refuseExisting(region, newId)
    return this.register(region, newId, source.clone(newId, lsn, this.directory(region, newId)))
  }

  /**
   * A new, independent volume `newId` holding every block of `sourceId` (through its
   * parents) as of `lsn`: a restore that is a real copy. A refused or failed copy leaves nothing.
   */
  copy(region: string, sourceId: string, lsn: number, newId: string): Volume {
    const source = this.source(region, sourceId)
    this.refuseExisting(region, newId)
    return this.fill(region, newId, source, lsn)
  }

  /**
   * A new volume `id` holding a copy of `source` as of `lsn`; nothing is left of it if the copy fails. The copy's
   * own commits are not history anyone restores to: its backup starts once it is complete.
   */
  private fill(region: string, id: string, source: Volume, lsn: number): Volume {
    this.copying.add(`${region}/${id}`)
    const volume = this.volume(region, id)
    try {
      volume.copyFrom(source, lsn)
    } catch (error) {
      this.drop(region, id)
      throw error
    } finally {
      this.copying.delete(`${region}/${id}`)
    }
    this.attachBackup(region, id, volume)
    return volume
  }

  /**
   * Replaces a volume's content with a full copy of `source` (in any Region) as of its VDL. Its copy-on-write
   * children (snapshots, clones) first take their own copy of the pages they share with it, and keep their content.
   */
  replaceWithCopy(region: string, id: string, source: Volume): Volume {
    if (this.exists(region, id)) {
      const old = this.volume(region, id)
      for (const child of old.cloneChildren()) if (this.exists(region, child)) this.volume(region, child).detachFromParent()
      this.drop(region, id)
    }
    return this.fill(region, id, source, source.vdl)
  }

  /**
   * Backtracks a volume in place to `lsn`. Its copy-on-write children (snapshots, clones) branched above it are
   * rebased below it first, so the log the rewind will discard is no longer theirs to read.
   */
  rewind(region: string, id: string, lsn: number): void {
    const volume = this.volume(region, id)
    for (const childId of volume.cloneChildren()) {
      if (!this.exists(region, childId)) continue
      this.volume(region, childId).rebase(lsn)
    }
    volume.rewind(lsn)
  }

  /**
   * A template volume (an image new volumes branch from). Templates are named with a
   * leading underscore, which no cluster volume id has, and are not cluster volumes.
   */
  template(region: string, name: string): Volume {
    return this.volume(region, `${TEMPLATE_PREFIX}${name}`)
  }

  /**
   * Deletes a volume and its files (its cluster is gone) — unless copy-on-write children
   * still read through it: then it is retired, and deleted when its last child goes (a
   * retired parent that loses its last child goes too; a template stays).
   */
  drop(region: string, id: string): void {
    const volume = this.volumes.get(`${region}/${id}`)
    const dir = this.directory(region, id)
    // A volume that is not open is judged from its metadata: deleting it needs none of its pages.
    const state = volume ? {parentId: volume.parentVolume?.volume.id, children: volume.cloneChildren()} : dir && persistedRefs(dir)
    if (!state) return
    // Only volumes of the registry count: a replica's in-memory image reads from memory and goes with its engine.
    if (state.children.some((child) => this.exists(region, child))) {
      this.volume(region, id).retire()
      return
    }
    volume?.close()
    this.volumes.delete(`${region}/${id}`)
    // Files before the parent's pin: a crash in between leaves a stale pin (space), never a child whose branch point is gone.
    if (dir) fs.rmSync(dir, {recursive: true, force: true})
    const backups = this.backupDirectory(region, id)
    if (backups) fs.rmSync(backups, {recursive: true, force: true})
    const {parentId} = state
    if (parentId === undefined) return
    const parent = this.volume(region, parentId)
    parent.releasePin(`${CLONE_PIN}${id}`)
    if (parent.retired && !parentId.startsWith(TEMPLATE_PREFIX)) this.drop(region, parentId)
  }

  /** Cluster volumes persisted by an earlier run, by Region (templates and retired volumes are not listed). */
  persisted(): {region: string; id: string}[] {
    const root = this.options.home && path.join(this.options.home, 'volumes')
    if (!root || !fs.existsSync(root)) return []
    return fs.readdirSync(root).flatMap((region) =>
      fs
        .readdirSync(path.join(root, region))
        .filter((id) => !id.startsWith(TEMPLATE_PREFIX) && !this.isRetired(region, id))
        .map((id) => ({region, id})),
    )
  }

  /** Open cluster volumes (templates and retired volumes are not listed). */
  open(): {region: string; id: string; volume: Volume}[] {
    return [...this.volumes].flatMap(([key, volume]) => {
      const [region, id] = key.split('/')
      return id.startsWith(TEMPLATE_PREFIX) || volume.retired ? [] : [{region, id, volume}]
    })
  }

  setRepairPaused(paused: boolean): void {
    this.repairPaused = paused
    for (const v of this.volumes.values()) v.repairPaused = paused
  }

  /** One round of background storage work on every volume. */
  tick(): void {
    for (const v of this.volumes.values()) v.tick()
  }

  close(): void {
    for (const v of this.volumes.values()) v.close()
  }

  /** Wipes every volume and template and heals every fleet (admin reset). */
  reset(): void {
    for (const {region, id} of this.open()) this.drop(region, id)
    for (const [key, volume] of this.volumes) {
      volume.close()
      this.volumes.delete(key)
    }
    this.fleets.clear()
    for (const store of ['volumes', 'backups']) if (this.options.home) fs.rmSync(path.join(this.options.home, store), {recursive: true, force: true})
  }
}

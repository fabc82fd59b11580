import fs from 'node:fs'
import path from 'node:path'

import type {Clock} from '../clock.js'
import {StorageFleet} from './fleet.js'
import {type RepairSettings, Volume} from './volume.js'

/**
 * Every Region's storage fleet and every cluster volume, persisted under
 * `<home>/volumes/<region>/<volume id>/` (in memory only without a home).
 */
export class StorageRegistry {
  private readonly fleets = new Map<string, StorageFleet>()
  private readonly volumes = new Map<string, Volume>()
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

  /** The volume of a cluster, opened from disk or created empty on first use. */
  volume(region: string, id: string): Volume {
    const key = `${region}/${id}`
    let volume = this.volumes.get(key)
    if (!volume) {
      volume = new Volume({id, fleet: this.fleet(region), clock: this.options.clock, repair: this.options.repair, directory: this.directory(region, id)})
      volume.repairPaused = this.repairPaused
      this.volumes.set(key, volume)
    }
    return volume
  }

  has(region: string, id: string): boolean {
    return this.volumes.has(`${region}/${id}`)
  }

  /** Deletes a volume and its files (its cluster is gone). */
  drop(region: string, id: string): void {
    const key = `${region}/${id}`
    this.volumes.get(key)?.close()
    this.volumes.delete(key)
    const dir = this.directory(region, id)
    if (dir) fs.rmSync(dir, {recursive: true, force: true})
  }

  /** Volumes persisted by an earlier run, by Region. */
  persisted(): {region: string; id: string}[] {
    const root = this.options.home && path.join(this.options.home, 'volumes')
    if (!root || !fs.existsSync(root)) return []
    return fs.readdirSync(root).flatMap((region) => fs.readdirSync(path.join(root, region)).map((id) => ({region, id})))
  }

  open(): {region: string; id: string; volume: Volume}[] {
    return [...this.volumes].map(([key, volume]) => {
      const [region, id] = key.split('/')
      return {region, id, volume}
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

  /** Wipes every volume and heals every fleet (admin reset). */
  reset(): void {
    for (const {region, id} of this.open()) this.drop(region, id)
    this.fleets.clear()
    const root = this.options.home && path.join(this.options.home, 'volumes')
    if (root) fs.rmSync(root, {recursive: true, force: true})
  }
}

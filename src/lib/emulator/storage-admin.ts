import type {ClusterRef, ControlPlane} from './control/plane.js'
import {RdsFault} from './control/faults.js'
import type {TimingProfile} from './control/timing.js'
import type {Clock} from './clock.js'
import {CATALOG_BLOCKS, holdsFileSystem} from './storage/file-view.js'
import {MAX_VOLUME_BYTES} from './storage/geometry.js'
import {StorageRegistry} from './storage/registry.js'
import {StorageUnavailable, type Volume, type VolumeEvent} from './storage/volume.js'

/** Repair copies at about 1 GiB/s: a 10 GB segment in 10 s, Aurora's figure (AURORA_FACTS §1). */
const REPAIR_BYTES_PER_SECOND = 1024 ** 3

export interface SegmentReport {
  id: string
  az: string
  node: string
  scl: number
  /** healthy, rebuilding, lost, or unreachable (its node or AZ is down). */
  state: string
  records: number
  logBytes: number
}

export interface ProtectionGroupReport {
  index: number
  pgcl: number
  membershipEpoch: number
  writeQuorum: boolean
  readQuorum: boolean
  segments: SegmentReport[]
  repair?: {replacing: string; incoming: string; bytes: number; startedAt: string; readyAt: string}
}

export interface VolumeReport {
  cluster: string
  region: string
  volumeId: string
  engine: string
  epoch: number
  vcl: number
  vdl: number
  writeQuorum: 'available' | 'lost'
  readQuorum: 'available' | 'lost'
  allocatedBytes: number
  maxBytes: number
  usedBytes: number
  records: number
  protectionGroups: ProtectionGroupReport[]
  repairPaused: boolean
  recentEvents: (VolumeEvent & {at: string})[]
  /** The continuous backup in the backup store: how far back it reaches and the log it holds. */
  backup?: {fromLsn: number; archivedBytes: number}
  /** With `checksum`: the content read back through the read path, or why reads are refused. */
  content?: {crc32: string; blocks: number; readPoint: number} | {error: string; message: string}
}

export interface FaultReport {
  region: string
  downAzs: string[]
  downNodes: string[]
  lostSegments: {cluster: string; pg: number; segment: string}[]
  repairPaused: boolean
  /** After `az-down`: writers that were in the AZ and failed over to another (the compute's part of the outage). */
  failedOverWriters?: string[]
}

export type FaultAction =
  | {action: 'az-down' | 'az-up'; az: string}
  | {action: 'node-down' | 'node-up'; node: string}
  | {action: 'segment-loss'; cluster: string; pg?: number}
  | {action: 'heal'; target?: string; all?: boolean}

const badRequest = (message: string) => new RdsFault('InvalidParameterValue', 400, message)

/** The registry of every Region's volumes under `home`, repairing at the timing profile's pace. */
export function storageRegistry(clock: Clock, timing: TimingProfile, home?: string): StorageRegistry {
  return new StorageRegistry({home, clock, repair: {detectionDelayMs: timing.segmentRepairDetection, bytesPerSecond: REPAIR_BYTES_PER_SECOND}})
}

/**
 * The emulator's storage as the admin API shows and drives it: a volume for every
 * cluster and snapshot, storage faults and repair. It keeps volumes in step with the control plane.
 */
export class StorageAdmin {
  private readonly events = new Map<string, (VolumeEvent & {at: string})[]>()

  constructor(
    private readonly plane: ControlPlane,
    readonly registry: StorageRegistry,
    private readonly clock: Clock,
  ) {}

  /**
   * Drops the volumes whose cluster or snapshot is gone (storage keeps one while clones still share its pages),
   * and keeps each open cluster volume's log for its backup retention and backtrack windows. A cluster's volume
   * is opened (or created empty) when it is first used, so a thousand idle clusters cost no files.
   */
  reconcile(): void {
    const wanted = new Set(this.plane.volumeIds().map((v) => `${v.region}/${v.id}`))
    for (const {region, id} of [...this.registry.persisted(), ...this.registry.open()]) {
      if (!wanted.has(`${region}/${id}`)) {
        this.registry.drop(region, id)
        this.events.delete(id)
      }
    }
    for (const ref of this.plane.clusterRefs()) {
      if (this.registry.has(ref.region, ref.resourceId)) this.keepWindows(ref, this.registry.volume(ref.region, ref.resourceId))
    }
  }

  /**
   * Backtrack rewinds the live log, so coalescing stays below the backtrack window. Point-in-time restore reads the
   * continuous backup instead, which need not reach back past the oldest automated snapshot.
   */
  private keepWindows(ref: ClusterRef, volume: Volume): void {
    if (ref.backtrackWindow > 0) {
      volume.pins.pinRange('backtrack-window', () => volume.lsnAtTime(this.clock.now() - ref.backtrackWindow * 1000))
    } else {
      volume.pins.release('backtrack-window')
    }
    if (ref.backupBaseLsn !== undefined) volume.trimBackup(ref.backupBaseLsn)
  }

  /** Opens, at start-up, the volumes an earlier run persisted, so their recovery runs at once. */
  openPersisted(): void {
    for (const ref of this.plane.clusterRefs()) {
      if (this.registry.persisted().some((p) => p.region === ref.region && p.id === ref.resourceId)) this.volumeOf(ref.region, ref.id)
    }
  }

  private watch(ref: ClusterRef, volume: Volume): void {
    volume.on((event) => {
      const list = this.events.get(ref.resourceId) ?? []
      list.push({...event, at: new Date(this.clock.now()).toISOString()})
      if (list.length > 20) list.shift()
      this.events.set(ref.resourceId, list)
    })
  }

  /** A cluster's volume, opened (or created empty) on first use. */
  volumeOf(region: string, cluster: string): {ref: ClusterRef; volume: Volume} {
    const ref = this.plane.clusterRef(region, cluster)
    if (!this.registry.has(region, ref.resourceId)) {
      const volume = this.registry.volume(region, ref.resourceId)
      this.watch(ref, volume)
      this.keepWindows(ref, volume)
    }
    return {ref, volume: this.registry.volume(region, ref.resourceId)}
  }

  tick(): void {
    this.registry.tick()
  }

  report(region: string, cluster: string, options: {checksum?: boolean} = {}): VolumeReport {
    const {ref, volume} = this.volumeOf(region, cluster)
    const fleet = this.registry.fleet(region)
    const groups = volume.protectionGroups.map((g): ProtectionGroupReport => ({
      index: g.index,
      pgcl: volume.pgcl(g.index),
      membershipEpoch: g.membershipEpoch,
      writeQuorum: g.writable(fleet),
      readQuorum: g.readable(fleet),
      segments: g.segments().map((s) => ({
        id: s.id,
        az: s.node.az,
        node: s.node.id,
        scl: s.scl,
        state: s.state === 'healthy' && !fleet.reachable(s.node) ? 'unreachable' : s.state,
        records: s.recordCount,
        logBytes: s.logBytes,
      })),
      repair: g.change && {
        replacing: g.change.replacing.id,
        incoming: g.change.incoming.id,
        bytes: g.change.bytes,
        startedAt: new Date(g.change.startedAt).toISOString(),
        readyAt: new Date(g.change.readyAt).toISOString(),
      },
    }))
    return {
      cluster: ref.id,
      region,
      volumeId: ref.resourceId,
      engine: ref.engine,
      epoch: volume.currentEpoch,
      vcl: volume.vcl,
      vdl: volume.vdl,
      writeQuorum: groups.every((g) => g.writeQuorum) ? 'available' : 'lost',
      readQuorum: groups.every((g) => g.readQuorum) ? 'available' : 'lost',
      allocatedBytes: volume.allocatedBytes(),
      maxBytes: MAX_VOLUME_BYTES,
      usedBytes: volume.usedBytes(),
      records: volume.recordCount(),
      protectionGroups: groups,
      repairPaused: this.registry.repairPaused,
      recentEvents: this.events.get(ref.resourceId) ?? [],
      backup: volume.backup,
      content: options.checksum ? this.content(volume) : undefined,
    }
  }

  private content(volume: Volume): VolumeReport['content'] {
    try {
      return volume.contentChecksum()
    } catch (error) {
      if (error instanceof StorageUnavailable) return {error: error.code, message: error.message}
      throw error
    }
  }

  /**
   * Writes `records` small transactions to a cluster's volume, as a load for storage drills on
   * a volume no SQL engine uses (refused on one that holds a database). Refused with the
   * storage's reason when quorum is lost.
   */
  write(region: string, cluster: string, records: number): {committed: number; vdl: number} {
    if (!Number.isInteger(records) || records < 1 || records > 100_000) throw badRequest('records must be an integer from 1 to 100000')
    const {ref, volume} = this.volumeOf(region, cluster)
    if (ref.status === 'backtracking') {
      throw new RdsFault('InvalidDBClusterStateFault', 400, `DbCluster ${ref.id} is backtracking; writes resume when the backtrack completes.`)
    }
    if (holdsFileSystem(volume)) {
      throw new RdsFault('InvalidDBClusterStateFault', 400, `The volume of ${ref.id} holds a database; raw records would corrupt it. Write through SQL instead (auroractl connect ${ref.id}).`)
    }
    let committed = 0
    try {
      for (let i = 0; i < records; i++) {
        // Above the file catalog's blocks, so a raw load never looks like a file system.
        const block = CATALOG_BLOCKS + (i % 64)
        const stamp = new TextEncoder().encode(`${this.clock.now()}:${i}`)
        volume.commit([{block, ranges: [{offset: (i * 32) % 8000, bytes: stamp}]}])
        committed++
      }
    } catch (error) {
      if (error instanceof StorageUnavailable) {
        throw new RdsFault('StorageQuorumUnavailable', 409, `${error.message} (${committed} of ${records} transactions committed first)`)
      }
      throw error
    }
    return {committed, vdl: volume.vdl}
  }

  faults(region: string): FaultReport {
    const fleet = this.registry.fleet(region)
    const lostSegments: FaultReport['lostSegments'] = []
    for (const ref of this.plane.clusterRefs().filter((r) => r.region === region)) {
      if (!this.registry.has(region, ref.resourceId)) continue
      for (const g of this.registry.volume(region, ref.resourceId).protectionGroups) {
        for (const s of g.members) if (s.state === 'lost') lostSegments.push({cluster: ref.id, pg: g.index, segment: s.id})
      }
    }
    return {
      region,
      downAzs: fleet.downAzList(),
      downNodes: fleet.nodes.filter((n) => !n.up).map((n) => n.id),
      lostSegments,
      repairPaused: this.registry.repairPaused,
    }
  }

  /** Injects or clears a fault; bad input (unknown AZ, node, cluster, group) is refused and changes nothing. */
  fault(region: string, request: FaultAction): FaultReport {
    const fleet = this.registry.fleet(region)
    switch (request.action) {
      case 'az-down':
      case 'az-up': {
        if (!fleet.azs.includes(request.az)) throw badRequest(`Unknown availability zone ${request.az} in ${region}; its AZs are ${fleet.azs.join(', ')}.`)
        fleet.setAz(request.az, request.action === 'az-up')
        break
      }
      case 'node-down':
      case 'node-up': {
        const node = fleet.node(request.node)
        if (!node) throw badRequest(`Unknown storage node ${request.node} in ${region}; nodes are named like ${fleet.nodes[0].id}.`)
        node.up = request.action === 'node-up'
        break
      }
      case 'segment-loss': {
        const {volume} = this.volumeOf(region, request.cluster)
        const groups = volume.protectionGroups
        if (groups.length === 0) throw new RdsFault('InvalidDBClusterStateFault', 400, `The volume of ${request.cluster} holds no data yet, so it has no segments to lose.`)
        const pg = request.pg ?? 0
        if (!Number.isInteger(pg) || pg < 0 || pg >= groups.length) throw badRequest(`The volume of ${request.cluster} has protection groups 0–${groups.length - 1}; there is no ${request.pg}.`)
        if (!groups[pg].members.some((s) => s.state === 'healthy')) throw badRequest(`Protection group ${pg} has no healthy segment left to lose.`)
        volume.loseSegment(pg)
        break
      }
      case 'heal': {
        if (request.all || request.target === undefined) {
          for (const az of fleet.azs) fleet.setAz(az, true)
          for (const n of fleet.nodes) n.up = true
        } else if (fleet.azs.includes(request.target)) fleet.setAz(request.target, true)
        else if (fleet.node(request.target)) fleet.node(request.target)!.up = true
        else throw badRequest(`Nothing called ${request.target} to heal in ${region}: give an AZ, a storage node, or --all.`)
        break
      }
      default:
        throw badRequest(`Unknown fault action ${(request as {action: string}).action}`)
    }
    this.tick()
    return this.faults(region)
  }

  setRepairPaused(paused: boolean): {repairPaused: boolean} {
    this.registry.setRepairPaused(paused)
    return {repairPaused: paused}
  }

  reset(): void {
    this.registry.reset()
    this.events.clear()
  }

  close(): void {
    this.registry.close()
  }
}


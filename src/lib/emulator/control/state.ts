import type {Prng} from '../prng.js'
import {EVENT_RETENTION_MS, type EventTemplate} from './events.js'
import {
  clusterArn, clusterSnapshotArn, instanceArn, type Backtrack, type Cluster, type ClusterSnapshot, type GlobalCluster, type Instance,
  type RdsEvent,
} from './model.js'
import {emptyRegion, type RegionState} from './regions.js'
import type {ReplicationService} from './replication.js'
import {emptyChangeSet, isEmptyChangeSet, NO_REGION, type ChangeSet, type Store} from './store.js'
import type {TimingProfile} from './timing.js'
import {applyTransition, type Timer, type Transition} from './transitions.js'
import type {VolumeService} from './volumes.js'

/**
 * The control plane's memory: every Region, the scheduled transitions, and the changes made since the last commit.
 * Operations mutate it through these methods, which record each change so `commit` can write it in one transaction.
 */
export class ControlState {
  regions = new Map<string, RegionState>()
  /** Global databases span Regions, so they live outside them; keyed by the (lowercase) GlobalClusterIdentifier. */
  globalClusters = new Map<string, GlobalCluster>()
  /** Ordered by due time, then by scheduling order. */
  timers: Timer[] = []
  /** The logical time of the change being made: the request time, or a transition's scheduled time. */
  at = 0
  /** The request time (the clock's reading when the current operation began). */
  now = 0
  /** The time `applyDue` is catching up to: polls that wait on real-time storage progress re-arm after it, not in a loop before it. */
  dueUntil = 0
  private nextSeq = 1
  private changes: ChangeSet = emptyChangeSet()

  constructor(
    readonly prng: Prng,
    readonly timing: TimingProfile,
    private readonly store: Store,
    readonly volumes: VolumeService,
    readonly replication: ReplicationService,
  ) {
    this.load()
  }

  /** Replaces memory with the last committed state (also used to roll back after an unexpected error). */
  load(): void {
    this.changes = emptyChangeSet()
    const stored = this.store.load()
    this.regions = new Map()
    this.globalClusters = new Map()
    const prngState = stored.meta.get('prng')
    if (prngState) this.prng.state = JSON.parse(prngState) as number[]
    this.nextSeq = Number(stored.meta.get('nextSeq') ?? '1')
    for (const row of stored.resources) {
      if (row.kind === 'region') this.regions.set(row.region, emptyRegion(row.region, (row.doc as {endpointHash: string}).endpointHash))
    }
    for (const row of stored.resources) {
      if (row.kind === 'global-cluster') this.globalClusters.set((row.doc as GlobalCluster).id, row.doc as GlobalCluster)
      const region = this.regions.get(row.region)
      if (!region) continue
      if (row.kind === 'cluster') region.clusters.set((row.doc as Cluster).id, row.doc as Cluster)
      else if (row.kind === 'instance') region.instances.set((row.doc as Instance).id, row.doc as Instance)
      else if (row.kind === 'snapshot') region.snapshots.set((row.doc as ClusterSnapshot).id, row.doc as ClusterSnapshot)
      else if (row.kind === 'backtrack') region.backtracks.set((row.doc as Backtrack).id, row.doc as Backtrack)
    }
    for (const row of stored.events) this.regions.get(row.region)?.events.push({...(row.doc as RdsEvent), seq: row.seq})
    this.timers = stored.timers.map((row) => ({seq: row.seq, region: row.region, at: row.at, transition: row.doc as Transition}))
  }

  /** Writes everything changed since the last commit in one SQLite transaction (nothing, if nothing changed). */
  commit(): void {
    const changes = this.changes
    this.changes = emptyChangeSet()
    if (isEmptyChangeSet(changes)) return
    // The PRNG position is saved with the changes so a restarted daemon never hands out the same ids again.
    changes.meta.set('prng', JSON.stringify(this.prng.state))
    changes.meta.set('nextSeq', String(this.nextSeq))
    this.store.commit(changes)
  }

  setMeta(key: string, value: string): void {
    this.changes.meta.set(key, value)
  }

  /** Forgets every Region and scheduled transition; the next commit wipes the database too. */
  wipe(): void {
    this.regions.clear()
    this.globalClusters.clear()
    this.timers = []
    this.changes = emptyChangeSet()
    this.changes.wipe = true
  }

  region(name: string): RegionState {
    let region = this.regions.get(name)
    if (!region) {
      region = emptyRegion(name, this.prng.alnum(12))
      this.regions.set(name, region)
      this.changes.resources.set(`${name}/region/`, {region: name, kind: 'region', key: '', doc: {endpointHash: region.endpointHash}})
    }
    return region
  }

  saveCluster(region: RegionState, cluster: Cluster, deleted = false): void {
    this.changes.resources.set(`${region.name}/cluster/${cluster.resourceId}`, {
      region: region.name, kind: 'cluster', key: cluster.resourceId, doc: deleted ? null : cluster,
    })
  }

  saveInstance(region: RegionState, instance: Instance, deleted = false): void {
    this.changes.resources.set(`${region.name}/instance/${instance.resourceId}`, {
      region: region.name, kind: 'instance', key: instance.resourceId, doc: deleted ? null : instance,
    })
  }

  saveSnapshot(region: RegionState, snapshot: ClusterSnapshot, deleted = false): void {
    this.changes.resources.set(`${region.name}/snapshot/${snapshot.id}`, {
      region: region.name, kind: 'snapshot', key: snapshot.id, doc: deleted ? null : snapshot,
    })
  }

  saveBacktrack(region: RegionState, backtrack: Backtrack, deleted = false): void {
    this.changes.resources.set(`${region.name}/backtrack/${backtrack.id}`, {
      region: region.name, kind: 'backtrack', key: backtrack.id, doc: deleted ? null : backtrack,
    })
  }

  saveGlobalCluster(global: GlobalCluster, deleted = false): void {
    this.changes.resources.set(`${NO_REGION}/global-cluster/${global.resourceId}`, {
      region: NO_REGION, kind: 'global-cluster', key: global.resourceId, doc: deleted ? null : global,
    })
  }

  emit(region: RegionState, template: EventTemplate, sourceId: string, detail = ''): void {
    const arn =
      template.sourceType === 'db-cluster' ? clusterArn(region.name, sourceId)
        : template.sourceType === 'db-instance' ? instanceArn(region.name, sourceId)
          : clusterSnapshotArn(region.name, sourceId)
    const event: RdsEvent = {
      sourceType: template.sourceType, sourceId, sourceArn: arn, eventId: template.id,
      message: template.message(detail), categories: [template.category], at: this.at,
    }
    const seq = this.nextSeq++
    region.events.push({...event, seq})
    this.changes.events.push({seq, region: region.name, at: event.at, doc: event})
  }

  schedule(region: RegionState, delayMs: number, transition: Transition): void {
    const timer: Timer = {seq: this.nextSeq++, region: region.name, at: this.at + delayMs, transition}
    this.timers.push(timer)
    this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq)
    this.changes.timersAdded.push({seq: timer.seq, region: timer.region, at: timer.at, doc: transition})
  }

  /** Applies, in order, every transition due at `now` (including ones those transitions schedule), then prunes old events. */
  applyDue(now: number): void {
    this.dueUntil = now
    while (this.timers.length > 0 && this.timers[0].at <= now) {
      const timer = this.timers.shift() as Timer
      this.changes.timersRemoved.push(timer.seq)
      this.at = timer.at
      applyTransition(this, this.region(timer.region), timer.transition)
    }
    const cutoff = now - EVENT_RETENTION_MS
    for (const region of this.regions.values()) {
      if (region.events.length > 0 && region.events[0].at < cutoff) {
        region.events = region.events.filter((e) => e.at >= cutoff)
        this.changes.eventsPrunedBefore = cutoff
      }
    }
  }
}

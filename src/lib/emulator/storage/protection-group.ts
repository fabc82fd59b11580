import type {StorageFleet} from './fleet.js'
import {READ_QUORUM, WRITE_QUORUM} from './geometry.js'
import {PageStore} from './page-store.js'
import {Segment} from './segment.js'

/** A segment being rebuilt to replace a lost one: the middle step of a membership change (P18 §4.1). */
export interface MembershipChange {
  replacing: Segment
  incoming: Segment
  startedAt: number
  readyAt: number
  bytes: number
}

/**
 * Six segments, two per AZ, holding one 10 GiB slice of the volume. Membership changes
 * go through epochs; while one is in progress a write needs 4/6 of the old set AND 4/6
 * of the new one, and a read 3/6 of either.
 */
export class ProtectionGroup {
  members: Segment[]
  change?: MembershipChange
  membershipEpoch = 1
  readonly pages: PageStore

  constructor(readonly index: number, fleet: StorageFleet, initialPage?: (block: number) => Uint8Array) {
    this.members = fleet.placeProtectionGroup(index).map((node) => new Segment(`pg${index}-${node.id}`, index, node))
    this.pages = new PageStore(initialPage)
  }

  /** Every segment that receives writes: the members and, during a change, the incoming one. */
  segments(): Segment[] {
    return this.change ? [...this.members, this.change.incoming] : this.members
  }

  quorumSets(): Segment[][] {
    if (!this.change) return [this.members]
    const {replacing, incoming} = this.change
    return [this.members, this.members.map((s) => (s === replacing ? incoming : s))]
  }

  private available(fleet: StorageFleet, set: Segment[], forWrite: boolean): number {
    return set.filter((s) => s.state === 'healthy' || (forWrite && s.state === 'rebuilding')).filter((s) => fleet.reachable(s.node)).length
  }

  /** Whether a write can reach a write quorum in every quorum set. */
  writable(fleet: StorageFleet): boolean {
    return this.quorumSets().every((set) => this.available(fleet, set, true) >= WRITE_QUORUM)
  }

  readable(fleet: StorageFleet): boolean {
    return this.quorumSets().some((set) => this.available(fleet, set, false) >= READ_QUORUM)
  }

  reachableHealthy(fleet: StorageFleet): Segment[] {
    return this.members.filter((s) => s.state === 'healthy' && fleet.reachable(s.node))
  }
}

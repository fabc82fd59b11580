import {COPIES_PER_AZ} from './geometry.js'

export interface StorageNode {
  id: string
  az: string
  up: boolean
}

/** Storage nodes per AZ: more than two, so a lost segment can be rebuilt on another node of its AZ. */
export const NODES_PER_AZ = 4

/**
 * A region's storage fleet: three AZs named as AWS names them, each with its own
 * storage nodes, and which of them are reachable right now.
 */
export class StorageFleet {
  readonly azs: string[]
  readonly nodes: StorageNode[]
  private readonly downAzs = new Set<string>()
  private readonly byId: Map<string, StorageNode>

  constructor(readonly region: string, nodesPerAz = NODES_PER_AZ) {
    this.azs = ['a', 'b', 'c'].map((suffix) => `${region}${suffix}`)
    this.nodes = this.azs.flatMap((az) => Array.from({length: nodesPerAz}, (_, n) => ({id: `${az}-sn${n + 1}`, az, up: true})))
    this.byId = new Map(this.nodes.map((n) => [n.id, n]))
  }

  node(id: string): StorageNode | undefined {
    return this.byId.get(id)
  }

  reachable(node: StorageNode): boolean {
    return node.up && !this.downAzs.has(node.az)
  }

  azUp(az: string): boolean {
    return !this.downAzs.has(az)
  }

  setAz(az: string, up: boolean): void {
    if (up) this.downAzs.delete(az)
    else this.downAzs.add(az)
  }

  downAzList(): string[] {
    return [...this.downAzs].sort()
  }

  /** Six nodes for a new protection group: two distinct nodes in each AZ, rotated so groups spread over the fleet. */
  placeProtectionGroup(index: number): StorageNode[] {
    return this.azs.flatMap((az) => {
      const inAz = this.nodes.filter((n) => n.az === az)
      return Array.from({length: COPIES_PER_AZ}, (_, k) => inAz[(index * COPIES_PER_AZ + k) % inAz.length])
    })
  }

  /** A reachable node of `az` that holds none of `excluded`: where a lost segment is rebuilt. */
  replacementIn(az: string, excluded: ReadonlySet<string>): StorageNode | undefined {
    return this.nodes.find((n) => n.az === az && !excluded.has(n.id) && this.reachable(n))
  }
}

/** A cluster's volume, named by Region and the cluster's resource id. */
export interface RegionalVolume {
  region: string
  volumeId: string
}

export interface ReplicationStatus {
  /** Primary LSNs shipped or waiting that the secondary has not applied yet (0: caught up). */
  lagLsn: number
  /** Age of the oldest primary commit the secondary has not applied (0 when caught up). */
  lagMs: number
  /** Whether the link between the two Regions is up. */
  linkUp: boolean
}

/**
 * What `attach` throws when the link between the two Regions is down. The control plane then keeps the member
 * `pending-resync` and retries on a timer; any other error is a bug and fails the request (nothing is committed).
 * `detach`, `status` and `unreplicated` concern one Region's volume and must not throw for a down link.
 */
export class ReplicationLinkDown extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ReplicationLinkDown'
  }
}

/**
 * Storage-level replication between Regions, as the control plane drives it for global databases: the primary
 * volume's log records are shipped over the link to each secondary volume, which applies them. The emulator wires
 * it to the storage registry and the Region links; the control plane knows no more of it than this.
 */
export interface ReplicationService {
  /**
   * Makes `secondary` a replica of `primary`: with `copy`, the secondary volume is first made a copy of the primary
   * as it is now (a new secondary, or an old primary that diverged); without, it already holds the same content
   * (a switchover). From then on every commit of the primary is shipped to it.
   */
  attach(primary: RegionalVolume, secondary: RegionalVolume, options: {copy: boolean}): void
  /** Stops shipping to `secondary`; its volume keeps what it applied. */
  detach(secondary: RegionalVolume): void
  /**
   * Stops applying to `secondary` (it is being promoted) but keeps counting what its old primary commits until it is
   * detached: `unreplicated` then covers every commit the old primary acknowledged that the new one never got.
   */
  sever(secondary: RegionalVolume): void
  status(secondary: RegionalVolume): ReplicationStatus
  /** What promoting `secondary` now would lose: the primary's commits it has not applied, by primary LSN. */
  unreplicated(secondary: RegionalVolume): {commits: number; fromLsn?: number; toLsn?: number}
}

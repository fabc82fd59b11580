import type {ReplicationService} from './control/replication.js'

const unwired = (): never => {
  throw new Error('cross-Region storage replication is not wired into this emulator yet (issue 6)')
}

/**
 * Stands in until the storage layer's ReplicationService is wired in: anything that needs replication (a secondary
 * cluster, a switchover or failover) fails as an internal error and, like every failed request, changes nothing.
 */
export const UNWIRED_REPLICATION: ReplicationService = {attach: unwired, detach: unwired, status: unwired, unreplicated: unwired}

/**
 * How long each control-plane transition takes. `instant` completes every transition inside the request,
 * `fast` keeps intermediate states visible for a few hundred ms, `realistic` uses AWS-like durations.
 */
export type TimingProfileName = 'instant' | 'fast' | 'realistic'

export interface TimingProfile {
  name: TimingProfileName
  clusterCreate: number
  clusterModify: number
  clusterRename: number
  clusterStop: number
  clusterStart: number
  clusterDelete: number
  instanceCreate: number
  instanceModifyClass: number
  instanceReboot: number
  instanceDelete: number
  /** From `failing-over` until the new writer is promoted. */
  failoverPromote: number
  /** From promotion until the cluster is `available` again (the old writer reboots as a reader meanwhile). */
  failoverComplete: number
  snapshotCreate: number
  /** From BacktrackDBCluster until the rewound cluster is available (half pending, half applying). */
  backtrack: number
  /** Each step of a global switchover or failover (verifying, promoting). */
  globalFailoverStep: number
  /**
   * How often a switchover re-checks that the target has caught up. Positive in every profile: the catch-up happens
   * in the storage in real time, so even `instant` must wait for it rather than loop.
   */
  globalSyncPoll: number
  /** How often a member that could not be (re)attached to its primary (its Region's link is down) is retried. */
  globalResyncRetry: number
  /** How long a storage segment must be lost or its node down before repair replaces it. */
  segmentRepairDetection: number
}

const SECOND = 1000
const MINUTE = 60 * SECOND

const PROFILES: Record<TimingProfileName, TimingProfile> = {
  instant: {
    name: 'instant', clusterCreate: 0, clusterModify: 0, clusterRename: 0, clusterStop: 0, clusterStart: 0, clusterDelete: 0,
    instanceCreate: 0, instanceModifyClass: 0, instanceReboot: 0, instanceDelete: 0, failoverPromote: 0, failoverComplete: 0,
    snapshotCreate: 0, backtrack: 0, segmentRepairDetection: 0, globalFailoverStep: 0, globalSyncPoll: 10, globalResyncRetry: 100,
  },
  // A 3-instance cluster is usable after about a second (instances are created in parallel).
  fast: {
    name: 'fast', clusterCreate: 300, clusterModify: 300, clusterRename: 200, clusterStop: 300, clusterStart: 300, clusterDelete: 300,
    instanceCreate: 700, instanceModifyClass: 400, instanceReboot: 300, instanceDelete: 300, failoverPromote: 250, failoverComplete: 250,
    snapshotCreate: 300, backtrack: 400, segmentRepairDetection: 2 * SECOND,
    globalFailoverStep: 200, globalSyncPoll: 50, globalResyncRetry: 500,
  },
  // Failover totals ~30 s: AURORA_FACTS §3 ("often less than 30 seconds", API reference "less than 35 seconds").
  // The other durations are typical console observations, not documented figures.
  realistic: {
    name: 'realistic', clusterCreate: 90 * SECOND, clusterModify: 30 * SECOND, clusterRename: 60 * SECOND,
    clusterStop: 4 * MINUTE, clusterStart: 5 * MINUTE, clusterDelete: 60 * SECOND,
    instanceCreate: 390 * SECOND, instanceModifyClass: 10 * MINUTE, instanceReboot: 60 * SECOND, instanceDelete: 5 * MINUTE,
    failoverPromote: 15 * SECOND, failoverComplete: 15 * SECOND, snapshotCreate: 2 * MINUTE,
    // "Rewinds the DB cluster in minutes" (UG, Backtracking an Aurora DB cluster).
    backtrack: 2 * MINUTE,
    // A 10 GB segment repairs in about 10 s (AURORA_FACTS §1); detection is not documented.
    segmentRepairDetection: 10 * SECOND,
    // RTO "in the order of minutes" (AURORA_FACTS §7): two steps of a minute each.
    globalFailoverStep: MINUTE, globalSyncPoll: SECOND, globalResyncRetry: 30 * SECOND,
  },
}

export function isTimingProfileName(name: string): name is TimingProfileName {
  return name in PROFILES
}

export function timingProfile(name: TimingProfileName): TimingProfile {
  return PROFILES[name]
}

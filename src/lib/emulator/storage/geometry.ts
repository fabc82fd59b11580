/** Aurora's storage geometry and quorum arithmetic (AURORA_FACTS §1–2). */

/** The unit the compute reads and writes: one PostgreSQL page. */
export const BLOCK_SIZE = 8192
/** Each protection group covers 10 GiB of the volume's address space. */
export const PROTECTION_GROUP_BYTES = 10 * 1024 ** 3
export const BLOCKS_PER_PROTECTION_GROUP = PROTECTION_GROUP_BYTES / BLOCK_SIZE
/** The largest Aurora volume (MySQL 3.x / 2.09+, all PostgreSQL versions). */
export const MAX_VOLUME_BYTES = 128 * 1024 ** 4
export const MAX_PROTECTION_GROUPS = MAX_VOLUME_BYTES / PROTECTION_GROUP_BYTES

/** Six copies, two in each of three AZs; durable at 4/6, readable (and recoverable) at 3/6. */
export const COPIES = 6
export const COPIES_PER_AZ = 2
export const WRITE_QUORUM = 4
export const READ_QUORUM = 3

/** No LSN may be allocated more than this far above VDL: the writer's back-pressure (P17 §4.2.1). */
export const LSN_ALLOCATION_LIMIT = 10_000_000

export function protectionGroupOf(block: number): number {
  return Math.floor(block / BLOCKS_PER_PROTECTION_GROUP)
}

/**
 * The highest LSN at least `quorum` of these segment completion LSNs have reached:
 * the quorum-th largest SCL. With SCLs [110, 108, 105, 104, 90, 0] and quorum 4 it is 104.
 */
export function quorumPoint(scls: readonly number[], quorum: number): number {
  if (scls.length < quorum) return 0
  return [...scls].sort((a, b) => b - a)[quorum - 1]
}

/**
 * VCL: the highest LSN with every earlier record at quorum — the last allocated LSN,
 * unless some group still waits for quorum on a record, which caps it just below.
 * (P18 §2.3: PG1 complete to 103, PG2 to 104, PG1's next record 105 → VCL 104.)
 */
export function volumeCompleteLsn(lastLsn: number, firstPendingPerGroup: readonly number[]): number {
  let vcl = lastLsn
  for (const first of firstPendingPerGroup) vcl = Math.min(vcl, first - 1)
  return vcl
}

/**
 * VDL: the highest consistency point at or below VCL, from CPLs in ascending order.
 * (P17 §4.1: complete to 1007 with CPLs 900, 1000, 1100 → VDL 1000.)
 */
export function durableLsn(cpls: readonly number[], vcl: number): number {
  let lo = 0
  let hi = cpls.length - 1
  let found = 0
  while (lo <= hi) {
    const mid = (lo + hi) >> 1
    if (cpls[mid] <= vcl) {
      found = cpls[mid]
      lo = mid + 1
    } else hi = mid - 1
  }
  return found
}

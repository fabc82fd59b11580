/**
 * What the control plane asks of the storage under it: where a volume was at a time, and volumes made from other
 * volumes. The emulator wires it to the storage registry; the control plane knows no more of storage than this.
 * Volumes are named by the resource id of the cluster or snapshot that owns them.
 */
export interface VolumeService {
  /**
   * The LSN of the last consistent point at or before `time`. `rewoundAt` is when the cluster was last backtracked:
   * while the volume still keeps the log it rewound past, times after that moment read the rewound state.
   */
  lsnAt(region: string, volumeId: string, time: number, rewoundAt?: number): number
  /** A new copy-on-write volume sharing `sourceId`'s pages as of `lsn`: O(1) whatever the size. */
  clone(region: string, sourceId: string, lsn: number, newId: string): void
  /** A new volume holding a real copy of `sourceId` as of `lsn`. */
  copy(region: string, sourceId: string, lsn: number, newId: string): void
  /** Moves a volume back (or forward again) to `lsn` in place. */
  rewind(region: string, volumeId: string, lsn: number): void
}

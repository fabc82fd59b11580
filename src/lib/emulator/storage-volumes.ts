import {invalidRestore} from './control/faults.js'
import type {VolumeService} from './control/volumes.js'
import type {StorageRegistry} from './storage/registry.js'
import {StorageUnavailable} from './storage/volume.js'

/**
 * The control plane's view of storage (VolumeService) over the storage registry. A volume nothing was ever
 * written to has nothing to share: an image of it is simply another blank volume, created on first use.
 */
export class StorageVolumes implements VolumeService {
  constructor(private readonly registry: StorageRegistry) {}

  lsnAt(region: string, volumeId: string, time: number, rewoundAt?: number): number {
    const volume = this.registry.volume(region, volumeId)
    if (rewoundAt !== undefined && time >= rewoundAt && volume.rewound) return volume.vdl
    // While rewound, earlier times may lie above VDL in the kept log: backtrack can move forward to them.
    return volume.rewound ? volume.lsnAtTime(time) : Math.min(volume.lsnAtTime(time), volume.vdl)
  }

  clone(region: string, sourceId: string, lsn: number, newId: string): void {
    if (this.registry.volume(region, sourceId).isBlank) return
    this.guard(() => this.registry.clone(region, sourceId, lsn, newId))
  }

  copy(region: string, sourceId: string, lsn: number, newId: string): void {
    if (this.registry.volume(region, sourceId).isBlank) return
    this.guard(() => this.registry.copy(region, sourceId, lsn, newId))
  }

  rewind(region: string, volumeId: string, lsn: number): void {
    this.registry.rewind(region, volumeId, lsn)
  }

  /** Storage refusing a read-point (collected, above VDL, no read quorum) is the AWS fault for a restore that cannot be made. */
  private guard(make: () => unknown): void {
    try {
      make()
    } catch (error) {
      if (error instanceof StorageUnavailable || error instanceof RangeError) throw invalidRestore(`The volume cannot be read at that point: ${error.message}`)
      throw error
    }
  }
}

import type {DBClusterSnapshot} from '@aws-sdk/client-rds'
import {Args} from '@oclif/core'

import {BaseCommand, waitFlags} from '../../lib/cli/base-command.js'
import {renderSnapshot} from '../../lib/cli/views.js'
import {createSnapshot} from '../../lib/rds/snapshots.js'

export default class SnapshotCreate extends BaseCommand<typeof SnapshotCreate> {
  static override summary = 'Take a manual snapshot of a cluster.'
  static override description = 'Manual snapshots are kept until deleted. Waits until the snapshot is available unless --no-wait.'
  static override examples = ['<%= config.bin %> <%= command.id %> demo demo-before-upgrade', '<%= config.bin %> <%= command.id %> demo nightly --no-wait --json']
  static override args = {
    cluster: Args.string({required: true, description: 'Cluster to snapshot.'}),
    snapshot: Args.string({required: true, description: 'Snapshot identifier (1–63 letters, digits, hyphens; starts with a letter).'}),
  }

  static override flags = {...waitFlags}

  public async run(): Promise<DBClusterSnapshot> {
    const {args} = this
    const wait = this.waitSettings(`Snapshotting ${args.cluster}`, `auroractl snapshot describe ${args.snapshot}`)
    const snapshot = await createSnapshot(await this.rds(), args.cluster, args.snapshot, wait)
    this.log(renderSnapshot(snapshot, this.stdoutColour))
    return snapshot
  }
}

import type {DBClusterSnapshot} from '@aws-sdk/client-rds'
import {Flags} from '@oclif/core'

import {BaseCommand} from '../../lib/cli/base-command.js'
import {renderSnapshotList} from '../../lib/cli/views.js'
import {listSnapshots} from '../../lib/rds/snapshots.js'

export default class SnapshotList extends BaseCommand<typeof SnapshotList> {
  static override summary = 'List cluster snapshots, manual and automated.'
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --cluster demo --type manual --json | jq -r ".[].DBClusterSnapshotIdentifier"',
  ]

  static override flags = {
    cluster: Flags.string({summary: 'Only snapshots of this cluster.'}),
    type: Flags.option({options: ['manual', 'automated', 'all'] as const, default: 'all' as const, summary: 'Which snapshots to list.'})(),
  }

  public async run(): Promise<DBClusterSnapshot[]> {
    const {flags} = this
    const snapshots = await listSnapshots(await this.rds(), {clusterId: flags.cluster, type: flags.type === 'all' ? undefined : flags.type})
    this.log(renderSnapshotList(snapshots, this.stdoutColour))
    return snapshots
  }
}

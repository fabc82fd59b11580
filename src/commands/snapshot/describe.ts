import type {DBClusterSnapshot} from '@aws-sdk/client-rds'
import {Args} from '@oclif/core'

import {BaseCommand} from '../../lib/cli/base-command.js'
import {renderSnapshot} from '../../lib/cli/views.js'
import {describeSnapshot} from '../../lib/rds/read.js'

export default class SnapshotDescribe extends BaseCommand<typeof SnapshotDescribe> {
  static override summary = 'Show a cluster snapshot: its cluster, type, status, time and engine.'
  static override examples = ['<%= config.bin %> <%= command.id %> demo-before-upgrade', '<%= config.bin %> <%= command.id %> demo-before-upgrade --json | jq -r .Status']
  static override args = {snapshot: Args.string({required: true, description: 'Snapshot identifier.'})}

  public async run(): Promise<DBClusterSnapshot> {
    const snapshot = await describeSnapshot(await this.rds(), this.args.snapshot)
    this.log(renderSnapshot(snapshot, this.stdoutColour))
    return snapshot
  }
}

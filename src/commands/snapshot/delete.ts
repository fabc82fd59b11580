import type {DBClusterSnapshot} from '@aws-sdk/client-rds'
import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../../lib/cli/base-command.js'
import {confirmDestructive} from '../../lib/cli/prompts.js'
import {deleteSnapshot} from '../../lib/rds/snapshots.js'

export default class SnapshotDelete extends BaseCommand<typeof SnapshotDelete> {
  static override summary = 'Delete a manual cluster snapshot.'
  static override description = 'Asks you to type the snapshot id, or pass --yes. Automated snapshots go when their retention ends.'
  static override examples = ['<%= config.bin %> <%= command.id %> demo-before-upgrade', '<%= config.bin %> <%= command.id %> demo-before-upgrade --yes --json']
  static override args = {snapshot: Args.string({required: true, description: 'Snapshot identifier.'})}
  static override flags = {yes: Flags.boolean({char: 'y', summary: 'Do not ask for confirmation.'})}

  public async run(): Promise<DBClusterSnapshot> {
    const {args, flags} = this
    await confirmDestructive(`delete snapshot ${args.snapshot}`, args.snapshot, flags.yes)
    const snapshot = await deleteSnapshot(await this.rds(), args.snapshot)
    this.log(`Deleted snapshot ${args.snapshot}.`)
    return snapshot
  }
}

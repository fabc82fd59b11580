import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../../../lib/cli/base-command.js'
import {writeToVolume} from '../../../lib/local/storage.js'

export default class LocalVolumeWrite extends BaseCommand<typeof LocalVolumeWrite> {
  static override summary = 'Write small transactions straight to a cluster\'s volume: a load for storage drills.'
  static override description = 'Each transaction is one log record and a consistency point. When a protection group cannot reach 4 of its 6 segments the write is refused (exit 4).'
  static override examples = ['<%= config.bin %> <%= command.id %> demo --records 100']
  static override args = {cluster: Args.string({required: true, description: 'Cluster identifier.'})}
  static override flags = {records: Flags.integer({default: 10, min: 1, max: 100_000, summary: 'How many transactions to write.'})}

  public async run(): Promise<{committed: number; vdl: number}> {
    const result = await writeToVolume(this.localRegion(), this.args.cluster, this.flags.records, this.daemonStarted)
    this.log(`Committed ${result.committed} transactions to ${this.args.cluster}; VDL is now ${result.vdl}.`)
    return result
  }
}

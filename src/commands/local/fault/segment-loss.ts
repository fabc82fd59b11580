import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../../../lib/cli/base-command.js'
import {renderFaults} from '../../../lib/cli/views.js'
import {type FaultReport, injectFault} from '../../../lib/local/storage.js'

export default class LocalFaultSegmentLoss extends BaseCommand<typeof LocalFaultSegmentLoss> {
  static override summary = 'Destroy one segment of a cluster\'s volume; repair rebuilds it on another node of its AZ.'
  static override examples = ['<%= config.bin %> <%= command.id %> demo', '<%= config.bin %> <%= command.id %> demo --pg 1']
  static override args = {cluster: Args.string({required: true, description: 'Cluster identifier.'})}
  static override flags = {pg: Flags.integer({min: 0, summary: 'Protection group (default 0).'})}

  public async run(): Promise<FaultReport> {
    const report = await injectFault(this.localRegion(), {action: 'segment-loss', cluster: this.args.cluster, pg: this.flags.pg}, this.daemonStarted)
    this.log(renderFaults(report, this.stdoutColour))
    return report
  }
}

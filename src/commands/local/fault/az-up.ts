import {Args} from '@oclif/core'

import {BaseCommand} from '../../../lib/cli/base-command.js'
import {renderFaults} from '../../../lib/cli/views.js'
import {type FaultReport, injectFault} from '../../../lib/local/storage.js'

export default class LocalFaultAzUp extends BaseCommand<typeof LocalFaultAzUp> {
  static override summary = 'Bring an AZ back; its segments catch up by gossip.'
  static override examples = ['<%= config.bin %> <%= command.id %> us-east-1a']
  static override args = {az: Args.string({required: true, description: 'Availability zone, e.g. us-east-1a.'})}

  public async run(): Promise<FaultReport> {
    const report = await injectFault(this.localRegion(), {action: 'az-up', az: this.args.az}, this.daemonStarted)
    this.log(renderFaults(report, this.stdoutColour))
    return report
  }
}

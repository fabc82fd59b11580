import {Args} from '@oclif/core'

import {BaseCommand} from '../../../lib/cli/base-command.js'
import {renderFaults} from '../../../lib/cli/views.js'
import {type FaultReport, injectFault} from '../../../lib/local/storage.js'

export default class LocalFaultAzDown extends BaseCommand<typeof LocalFaultAzDown> {
  static override summary = 'Take a whole AZ down: writes go on at 4/6, reads at 3/6.'
  static override examples = ['<%= config.bin %> <%= command.id %> us-east-1a']
  static override args = {az: Args.string({required: true, description: 'Availability zone, e.g. us-east-1a.'})}

  public async run(): Promise<FaultReport> {
    const report = await injectFault(this.localRegion(), {action: 'az-down', az: this.args.az}, this.daemonStarted)
    this.log(renderFaults(report, this.stdoutColour))
    return report
  }
}

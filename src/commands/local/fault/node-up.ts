import {Args} from '@oclif/core'

import {BaseCommand} from '../../../lib/cli/base-command.js'
import {renderFaults} from '../../../lib/cli/views.js'
import {type FaultReport, injectFault} from '../../../lib/local/storage.js'

export default class LocalFaultNodeUp extends BaseCommand<typeof LocalFaultNodeUp> {
  static override summary = 'Restart a storage node.'
  static override examples = ['<%= config.bin %> <%= command.id %> us-east-1b-sn1']
  static override args = {node: Args.string({required: true, description: 'Storage node, e.g. us-east-1b-sn1.'})}

  public async run(): Promise<FaultReport> {
    const report = await injectFault(this.localRegion(), {action: 'node-up', node: this.args.node}, this.daemonStarted)
    this.log(renderFaults(report, this.stdoutColour))
    return report
  }
}

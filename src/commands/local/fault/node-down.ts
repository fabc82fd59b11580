import {Args} from '@oclif/core'

import {BaseCommand} from '../../../lib/cli/base-command.js'
import {renderFaults} from '../../../lib/cli/views.js'
import {type FaultReport, injectFault} from '../../../lib/local/storage.js'

export default class LocalFaultNodeDown extends BaseCommand<typeof LocalFaultNodeDown> {
  static override summary = 'Crash a storage node: its segments are unreachable, and rebuilt elsewhere after the detection delay.'
  static override examples = ['<%= config.bin %> <%= command.id %> us-east-1b-sn1']
  static override args = {node: Args.string({required: true, description: 'Storage node, e.g. us-east-1b-sn1 (see `auroractl local volume`).'})}

  public async run(): Promise<FaultReport> {
    const report = await injectFault(this.localRegion(), {action: 'node-down', node: this.args.node}, this.daemonStarted)
    this.log(renderFaults(report, this.stdoutColour))
    return report
  }
}

import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../../../lib/cli/base-command.js'
import {CommandError} from '../../../lib/cli/errors.js'
import {ExitCode} from '../../../lib/cli/exit-codes.js'
import {renderFaults} from '../../../lib/cli/views.js'
import {type FaultReport, injectFault} from '../../../lib/local/storage.js'

export default class LocalFaultHeal extends BaseCommand<typeof LocalFaultHeal> {
  static override summary = 'Bring back an AZ or a storage node, or everything with --all.'
  static override examples = ['<%= config.bin %> <%= command.id %> us-east-1a', '<%= config.bin %> <%= command.id %> --all']
  static override args = {target: Args.string({description: 'An AZ or a storage node.'})}
  static override flags = {all: Flags.boolean({summary: 'Heal every AZ and node of the Region.'})}

  public async run(): Promise<FaultReport> {
    if (!this.args.target && !this.flags.all) throw new CommandError('Say what to heal.', {exitCode: ExitCode.usage, hint: 'Give an AZ or a storage node, or pass --all.'})
    const report = await injectFault(this.localRegion(), {action: 'heal', target: this.args.target, all: this.flags.all}, this.daemonStarted)
    this.log(renderFaults(report, this.stdoutColour))
    return report
  }
}

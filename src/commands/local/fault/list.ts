import {BaseCommand} from '../../../lib/cli/base-command.js'
import {renderFaults} from '../../../lib/cli/views.js'
import {type FaultReport, listFaults} from '../../../lib/local/storage.js'

export default class LocalFaultList extends BaseCommand<typeof LocalFaultList> {
  static override summary = 'List the storage faults in force in a Region of the local emulator.'
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --region us-west-2 --json']

  public async run(): Promise<FaultReport> {
    const report = await listFaults(this.localRegion(), this.daemonStarted)
    this.log(renderFaults(report, this.stdoutColour))
    return report
  }
}

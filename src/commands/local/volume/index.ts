import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../../../lib/cli/base-command.js'
import {renderVolume} from '../../../lib/cli/views.js'
import {volumeReport, type VolumeReport} from '../../../lib/local/storage.js'

export default class LocalVolume extends BaseCommand<typeof LocalVolume> {
  static override summary = 'Show a cluster\'s storage volume: protection groups, six segments over three AZs, SCLs, VCL, VDL, quorums.'
  static override examples = ['<%= config.bin %> <%= command.id %> demo', '<%= config.bin %> <%= command.id %> demo --json | jq ".protectionGroups[0].segments"']
  static override args = {cluster: Args.string({required: true, description: 'Cluster identifier.'})}
  static override flags = {
    checksum: Flags.boolean({summary: 'Read the whole volume back (one segment per group, at VDL) and print a checksum of its content.'}),
  }

  public async run(): Promise<VolumeReport> {
    const report = await volumeReport(this.localRegion(), this.args.cluster, this.daemonStarted, this.flags.checksum)
    this.log(renderVolume(report, this.stdoutColour))
    return report
  }
}

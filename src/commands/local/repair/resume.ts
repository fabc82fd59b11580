import {BaseCommand} from '../../../lib/cli/base-command.js'
import {setRepairPaused} from '../../../lib/local/storage.js'

export default class LocalRepairResume extends BaseCommand<typeof LocalRepairResume> {
  static override summary = 'Let storage repair rebuild lost and unreachable segments again.'
  static override examples = ['<%= config.bin %> <%= command.id %>']

  public async run(): Promise<{repairPaused: boolean}> {
    this.localRegion()
    const result = await setRepairPaused(false, this.daemonStarted)
    this.log(result.repairPaused ? 'Storage repair is paused.' : 'Storage repair is running.')
    return result
  }
}

import {BaseCommand} from '../../../lib/cli/base-command.js'
import {setRepairPaused} from '../../../lib/local/storage.js'

export default class LocalRepairPause extends BaseCommand<typeof LocalRepairPause> {
  static override summary = 'Hold storage repair, so a drill can watch a lost write quorum before it heals.'
  static override examples = ['<%= config.bin %> <%= command.id %>']

  public async run(): Promise<{repairPaused: boolean}> {
    this.localRegion()
    const result = await setRepairPaused(true, this.daemonStarted)
    this.log(result.repairPaused ? 'Storage repair is paused.' : 'Storage repair is running.')
    return result
  }
}

import {BaseCommand} from '../../lib/cli/base-command.js'
import {stopDaemon} from '../../lib/local/daemon-process.js'
import {stateHome} from '../../lib/local/home.js'

export default class LocalStop extends BaseCommand<typeof LocalStop> {
  static override summary = 'Stop the local emulator daemon; its state is kept for the next start.'
  static override examples = ['<%= config.bin %> <%= command.id %>']

  public async run(): Promise<{stopped: boolean; home: string}> {
    const home = stateHome()
    const stopped = await stopDaemon(home)
    this.log(stopped ? 'Stopped the local emulator.' : 'The local emulator was not running.')
    return {stopped, home}
  }
}

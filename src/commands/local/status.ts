import {BaseCommand} from '../../lib/cli/base-command.js'
import {daemonStatus, type DaemonStatus} from '../../lib/local/daemon-process.js'
import {stateHome} from '../../lib/local/home.js'

export default class LocalStatus extends BaseCommand<typeof LocalStatus> {
  static override summary = 'Show whether the local emulator is running, and where.'
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --json']

  public async run(): Promise<DaemonStatus> {
    const status = await daemonStatus(stateHome())
    if (status.running) this.log(`Running at ${status.endpoint} (pid ${status.pid}, timing ${status.timing}, since ${status.startedAt}); state in ${status.home}.`)
    else this.log(`Not running; state in ${status.home}. Any local command starts it, or run \`auroractl local start\`.`)
    return status
  }
}

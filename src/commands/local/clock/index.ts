import {BaseCommand} from '../../../lib/cli/base-command.js'
import {formatDuration} from '../../../lib/cli/duration.js'
import {type ClockReport, emulatorClock} from '../../../lib/local/clock.js'

export default class LocalClock extends BaseCommand<typeof LocalClock> {
  static override summary = 'Show the emulator\'s time and how far it is ahead of this machine\'s.'
  static override description = 'Relative times on the local backend (`--to-time "2h ago"`) count back from this clock.'
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --json']

  public async run(): Promise<ClockReport> {
    this.localRegion()
    const clock = await emulatorClock(this.daemonStarted)
    this.log(`Emulator time ${clock.now}${clock.offsetMs ? ` (${formatDuration(clock.offsetMs)} ahead of this machine)` : ' (same as this machine)'}.`)
    return clock
  }
}

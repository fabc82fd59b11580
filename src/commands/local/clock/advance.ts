import {Args} from '@oclif/core'

import {BaseCommand} from '../../../lib/cli/base-command.js'
import {formatDuration} from '../../../lib/cli/duration.js'
import {parseSeconds} from '../../../lib/cli/values.js'
import {advanceClock, type ClockReport} from '../../../lib/local/clock.js'

export default class LocalClockAdvance extends BaseCommand<typeof LocalClockAdvance> {
  static override summary = 'Move the emulator\'s clock forward, e.g. to age backups and snapshots.'
  static override description = 'The clock only moves forward; a restarted daemon keeps the offset.'
  static override examples = ['<%= config.bin %> <%= command.id %> 3d', '<%= config.bin %> <%= command.id %> 90m --json']
  static override args = {duration: Args.string({required: true, description: 'How far, e.g. 3d, 12h, 90m.'})}

  public async run(): Promise<ClockReport> {
    this.localRegion()
    const ms = parseSeconds('duration', this.args.duration) * 1000
    const clock = await advanceClock(ms, this.daemonStarted)
    this.log(`Advanced the emulator's clock by ${formatDuration(ms)}: now ${clock.now} (${formatDuration(clock.offsetMs)} ahead of this machine).`)
    return clock
  }
}

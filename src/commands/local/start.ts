import {Flags} from '@oclif/core'

import {BaseCommand} from '../../lib/cli/base-command.js'
import {type DaemonStatus, startDaemon, TIMINGS} from '../../lib/local/daemon-process.js'
import {stateHome} from '../../lib/local/home.js'

export default class LocalStart extends BaseCommand<typeof LocalStart> {
  static override summary = 'Start the local Aurora emulator daemon (other commands start it on demand).'
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --timing realistic', 'AURORACTL_LOCAL_PORT=8500 <%= config.bin %> <%= command.id %>']
  static override flags = {
    timing: Flags.option({
      options: TIMINGS,
      env: 'AURORACTL_TIMING',
      summary: 'How long operations take: instant (tests), fast (default), realistic (AWS-like).',
    })(),
    port: Flags.integer({env: 'AURORACTL_LOCAL_PORT', min: 0, max: 65535, summary: 'Port to listen on (127.0.0.1 only; default: any free port).'}),
  }

  public async run(): Promise<DaemonStatus> {
    const home = stateHome()
    const {info, started} = await startDaemon(home, {timing: this.flags.timing, port: this.flags.port})
    if (!started && this.flags.timing && this.flags.timing !== info.timing) {
      this.warn(`Already running with timing ${info.timing}; run \`auroractl local stop\` first to change it.`)
    }
    this.log(`${started ? 'Started' : 'Already running:'} local emulator at ${info.endpoint} (pid ${info.pid}, timing ${info.timing}, state in ${home}).`)
    return {running: true, ...info}
  }
}

import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../../lib/cli/base-command.js'
import {CommandError} from '../../lib/cli/errors.js'
import {ExitCode} from '../../lib/cli/exit-codes.js'
import {parseMilliseconds} from '../../lib/cli/values.js'
import {renderLinks} from '../../lib/cli/views.js'
import {listLinks, type RegionLink, setLink} from '../../lib/local/global.js'

export default class LocalLink extends BaseCommand<typeof LocalLink> {
  static override summary = 'Show or change the emulated network link between two Regions (global database replication runs over it).'
  static override description =
    'Without arguments, lists the links. With two Regions, sets the link\'s latency, or takes it down (replication to ' +
    'the other side stops and its lag grows) or up again.'

  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> us-east-1 eu-west-1 --latency 80ms',
    '<%= config.bin %> <%= command.id %> us-east-1 eu-west-1 --down',
  ]

  static override args = {
    a: Args.string({description: 'One Region of the link.'}),
    b: Args.string({description: 'The other Region.'}),
  }

  static override flags = {
    latency: Flags.string({summary: 'Latency of the link, e.g. 50ms or 0.2s.'}),
    down: Flags.boolean({summary: 'Cut the link.', exclusive: ['up', 'latency']}),
    up: Flags.boolean({summary: 'Restore the link.'}),
  }

  public async run(): Promise<RegionLink | RegionLink[]> {
    const {flags, args} = this
    this.localRegion()
    const change = flags.latency !== undefined || flags.down || flags.up
    if (!args.a) {
      if (change) throw new CommandError('Name the two Regions of the link to change.', {exitCode: ExitCode.usage})
      const links = await listLinks(this.daemonStarted)
      this.log(renderLinks(links, this.stdoutColour))
      return links
    }
    if (!args.b || !change) {
      throw new CommandError('Give two Regions and what to change: --latency <duration>, --down or --up.', {exitCode: ExitCode.usage})
    }
    const latencyMs = flags.latency === undefined ? undefined : parseMilliseconds('--latency', flags.latency)
    const up = flags.down ? false : flags.up ? true : undefined
    const link = await setLink(args.a, args.b, {latencyMs, up}, this.daemonStarted)
    this.log(`Link ${link.a} ↔ ${link.b}: ${link.up ? `up, ${link.latencyMs} ms` : 'down'}.`)
    return link
  }
}

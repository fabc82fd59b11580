import {spawn} from 'node:child_process'

import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../lib/cli/base-command.js'
import {CommandError} from '../lib/cli/errors.js'
import {ExitCode} from '../lib/cli/exit-codes.js'
import {sqlEndpoint, type SqlEndpoint} from '../lib/sql/endpoint.js'

export default class Connect extends BaseCommand<typeof Connect> {
  static override summary = 'Open psql on a cluster\'s writer, reader or instance endpoint (or print its URI).'
  static override description =
    'The password comes as with any PostgreSQL client: PGPASSWORD, ~/.pgpass or psql\'s prompt. It is never printed. ' +
    'Arguments after `--` go to psql.'
  static override examples = [
    '<%= config.bin %> <%= command.id %> demo',
    '<%= config.bin %> <%= command.id %> demo --reader -- -c "select count(*) from orders"',
    '<%= config.bin %> <%= command.id %> demo --instance demo-instance-2 --print',
  ]
  static override strict = false
  static override args = {cluster: Args.string({required: true, description: 'Cluster identifier.'})}
  static override flags = {
    reader: Flags.boolean({summary: 'The reader endpoint (balanced over replicas; the writer when there are none).', exclusive: ['instance']}),
    instance: Flags.string({summary: 'One instance\'s own endpoint.', exclusive: ['reader']}),
    print: Flags.boolean({summary: 'Print the connection URI (no password) instead of running psql.'}),
  }

  public async run(): Promise<SqlEndpoint> {
    const rds = await this.rds()
    const target = await sqlEndpoint(rds, this.args.cluster, {reader: this.flags.reader, instance: this.flags.instance, onDaemonStarted: this.daemonStarted}, this.onLocalEmulator)
    if (this.flags.print || this.jsonEnabled()) {
      this.log(target.uri)
      return target
    }
    if (target.engine === 'aurora-mysql') {
      throw new CommandError(`auroractl connect runs psql, for aurora-postgresql; ${target.cluster} is aurora-mysql.`, {
        exitCode: ExitCode.usage,
        hint: `mysql -h ${target.host} -P ${target.port} -u ${target.user} -p`,
      })
    }
    const separator = this.argv.indexOf('--')
    const extra = separator >= 0 ? this.argv.slice(separator + 1) : []
    // psql's own exit status is ours: scripts can tell a failed query from a failed connection.
    process.exitCode = await runPsql(['-h', target.host, '-p', String(target.port), '-U', target.user, '-d', target.database, ...extra])
    return target
  }
}

function runPsql(args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn('psql', args, {stdio: 'inherit'})
    child.on('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'ENOENT'
          ? new CommandError('psql is not installed.', {exitCode: ExitCode.error, hint: 'Install the PostgreSQL client (apt-get install postgresql-client), or use --print for a URI.'})
          : error,
      ),
    )
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)))
  })
}

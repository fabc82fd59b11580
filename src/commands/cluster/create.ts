import type {DBCluster} from '@aws-sdk/client-rds'
import {Args, Flags} from '@oclif/core'

import {BaseCommand, waitFlags} from '../../lib/cli/base-command.js'
import {resolveMasterPassword} from '../../lib/cli/prompts.js'
import {parseAcus, parseSeconds} from '../../lib/cli/values.js'
import {renderTopology} from '../../lib/cli/views.js'
import {createCluster} from '../../lib/rds/clusters.js'
import {clusterInstances} from '../../lib/rds/read.js'

export default class ClusterCreate extends BaseCommand<typeof ClusterCreate> {
  static override summary = 'Create an Aurora cluster with a writer and readers.'
  static override description =
    'Creates the DB cluster, then its instances: the first becomes the writer, the rest are readers spread over the AZs. ' +
    'Waits until the cluster and every instance are available unless --no-wait.'

  static override examples = [
    'printf %s "$PGPASS" | <%= config.bin %> <%= command.id %> demo --instances 3 --master-password-stdin',
    '<%= config.bin %> <%= command.id %> orders --engine aurora-mysql --backtrack-window 24h --manage-master-password',
    '<%= config.bin %> <%= command.id %> api --serverless-min 0.5 --serverless-max 16 --manage-master-password --json',
  ]

  static override args = {
    cluster: Args.string({required: true, description: 'Cluster identifier (1–63 letters, digits, hyphens; starts with a letter).'}),
  }

  static override flags = {
    engine: Flags.option({options: ['aurora-postgresql', 'aurora-mysql'] as const, default: 'aurora-postgresql' as const})(),
    'engine-version': Flags.string({summary: 'Engine version (default: the newest).'}),
    instances: Flags.integer({default: 2, min: 0, max: 16, summary: 'Instances to create: one writer plus readers.'}),
    'instance-class': Flags.string({summary: 'Instance class (default db.r6g.large).', exclusive: ['serverless-min']}),
    'serverless-min': Flags.string({summary: 'Serverless v2 minimum ACUs (0 or 0.5–256).', dependsOn: ['serverless-max']}),
    'serverless-max': Flags.string({summary: 'Serverless v2 maximum ACUs (1–256).', dependsOn: ['serverless-min']}),
    'master-username': Flags.string({summary: 'Master user name (default postgres, or admin for aurora-mysql).'}),
    'master-password-stdin': Flags.boolean({summary: 'Read the master password from stdin.', exclusive: ['manage-master-password']}),
    'manage-master-password': Flags.boolean({summary: 'Let AWS Secrets Manager generate and keep the master password.'}),
    'deletion-protection': Flags.boolean({default: false, summary: 'Refuse deletion until this is turned off.'}),
    'backup-retention': Flags.integer({summary: 'Days of automated backups, 1–35 (default 1).'}),
    'backtrack-window': Flags.string({summary: 'Backtrack window for aurora-mysql, e.g. 24h (at most 72h).'}),
    port: Flags.integer({summary: 'Port for the endpoints (default 5432 or 3306).'}),
    ...waitFlags,
  }

  public async run(): Promise<DBCluster> {
    const {flags, args} = this
    const serverless = flags['serverless-min'] === undefined ? undefined : {min: parseAcus('--serverless-min', flags['serverless-min']), max: parseAcus('--serverless-max', flags['serverless-max']!)}
    const backtrackWindowSeconds = flags['backtrack-window'] === undefined ? undefined : parseSeconds('--backtrack-window', flags['backtrack-window'])
    const masterPassword = await resolveMasterPassword({fromStdin: flags['master-password-stdin'], managed: flags['manage-master-password']})
    const rds = await this.rds()
    const cluster = await createCluster(
      rds,
      {
        id: args.cluster,
        engine: flags.engine,
        engineVersion: flags['engine-version'],
        instances: flags.instances,
        instanceClass: flags['instance-class'],
        serverless,
        masterUsername: flags['master-username'] ?? (flags.engine === 'aurora-mysql' ? 'admin' : 'postgres'),
        masterPassword,
        manageMasterPassword: flags['manage-master-password'],
        deletionProtection: flags['deletion-protection'],
        backupRetention: flags['backup-retention'],
        backtrackWindowSeconds,
        port: flags.port,
      },
      this.waitSettings(`Creating ${args.cluster}`, `auroractl cluster wait ${args.cluster}`),
    )
    if (!this.jsonEnabled()) this.log(renderTopology(cluster, await clusterInstances(rds, cluster.DBClusterIdentifier!), this.stdoutColour))
    return cluster
  }
}

import type {DBCluster} from '@aws-sdk/client-rds'
import {Args, Flags} from '@oclif/core'

import {BaseCommand, waitFlags} from '../../lib/cli/base-command.js'
import {CommandError} from '../../lib/cli/errors.js'
import {ExitCode} from '../../lib/cli/exit-codes.js'
import {resolveMasterPassword} from '../../lib/cli/prompts.js'
import {parseAcus, parseSeconds} from '../../lib/cli/values.js'
import {type ClusterChanges, modifyCluster} from '../../lib/rds/clusters.js'

export default class ClusterModify extends BaseCommand<typeof ClusterModify> {
  static override summary = 'Change cluster settings (applied immediately).'
  static override examples = [
    '<%= config.bin %> <%= command.id %> demo --backup-retention 7 --deletion-protection',
    '<%= config.bin %> <%= command.id %> demo --no-deletion-protection',
    '<%= config.bin %> <%= command.id %> api --serverless-min 0 --serverless-max 32',
    'printf %s "$NEWPASS" | <%= config.bin %> <%= command.id %> demo --master-password-stdin',
  ]

  static override args = {cluster: Args.string({required: true, description: 'Cluster identifier.'})}
  static override flags = {
    'backup-retention': Flags.integer({summary: 'Days of automated backups, 1–35.'}),
    'deletion-protection': Flags.boolean({allowNo: true, summary: 'Turn deletion protection on (or off with --no-deletion-protection).'}),
    'serverless-min': Flags.string({summary: 'Serverless v2 minimum ACUs.', dependsOn: ['serverless-max']}),
    'serverless-max': Flags.string({summary: 'Serverless v2 maximum ACUs.', dependsOn: ['serverless-min']}),
    'backtrack-window': Flags.string({summary: 'Backtrack window (aurora-mysql), e.g. 24h; 0 turns it off.'}),
    'engine-version': Flags.string({summary: 'Upgrade to this engine version.'}),
    'new-id': Flags.string({summary: 'Rename the cluster.'}),
    port: Flags.integer({summary: 'Port for the endpoints.'}),
    'master-password-stdin': Flags.boolean({summary: 'Set a new master password, read from stdin.', exclusive: ['manage-master-password']}),
    'manage-master-password': Flags.boolean({allowNo: true, summary: 'Let AWS Secrets Manager manage the master password.'}),
    ...waitFlags,
  }

  public async run(): Promise<DBCluster> {
    const {flags, args} = this
    const changes: ClusterChanges = {
      BackupRetentionPeriod: flags['backup-retention'],
      DeletionProtection: flags['deletion-protection'],
      BacktrackWindow: flags['backtrack-window'] === undefined ? undefined : parseSeconds('--backtrack-window', flags['backtrack-window']),
      EngineVersion: flags['engine-version'],
      AllowMajorVersionUpgrade: flags['engine-version'] === undefined ? undefined : true,
      NewDBClusterIdentifier: flags['new-id'],
      Port: flags.port,
      ManageMasterUserPassword: flags['manage-master-password'],
      MasterUserPassword: flags['master-password-stdin'] ? await resolveMasterPassword({fromStdin: true, managed: false}) : undefined,
      ServerlessV2ScalingConfiguration:
        flags['serverless-min'] === undefined
          ? undefined
          : {MinCapacity: parseAcus('--serverless-min', flags['serverless-min']), MaxCapacity: parseAcus('--serverless-max', flags['serverless-max']!)},
    }
    if (Object.values(changes).every((v) => v === undefined)) {
      throw new CommandError('Nothing to change.', {exitCode: ExitCode.usage, hint: 'Pass at least one setting; see `auroractl cluster modify --help`.'})
    }
    const id = flags['new-id'] ?? args.cluster
    const cluster = await modifyCluster(await this.rds(), args.cluster, changes, this.waitSettings(`Modifying ${args.cluster}`, `auroractl cluster wait ${id}`))
    this.log(`Modified ${cluster.DBClusterIdentifier} (${cluster.Status}).`)
    return cluster
  }
}

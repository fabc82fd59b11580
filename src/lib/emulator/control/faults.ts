/**
 * RdsFault is the one way the emulator reports an AWS error: the wire code, the HTTP status and AWS's message.
 * Wire codes and statuses come from the RDS API model (`error.code`, `error.httpStatusCode`).
 */
export class RdsFault extends Error {
  constructor(
    readonly code: string,
    readonly httpStatus: number,
    message: string,
    /** 'Receiver' for faults that are the service's own (HTTP 5xx). */
    readonly type: 'Sender' | 'Receiver' = httpStatus >= 500 ? 'Receiver' : 'Sender',
  ) {
    super(message)
    this.name = 'RdsFault'
  }
}

export const invalidParameterValue = (message: string) => new RdsFault('InvalidParameterValue', 400, message)
export const invalidParameterCombination = (message: string) => new RdsFault('InvalidParameterCombination', 400, message)
export const missingParameter = (name: string) =>
  new RdsFault('MissingParameter', 400, `The request must contain the parameter ${name}`)

export const dbClusterNotFound = (id: string) => new RdsFault('DBClusterNotFoundFault', 404, `DBCluster ${id} not found.`)
export const dbClusterAlreadyExists = () =>
  new RdsFault('DBClusterAlreadyExistsFault', 400, 'DB Cluster already exists')
export const invalidDbClusterState = (message: string) => new RdsFault('InvalidDBClusterStateFault', 400, message)
export const dbInstanceNotFound = (id: string) => new RdsFault('DBInstanceNotFound', 404, `DBInstance ${id} not found.`)
export const dbInstanceAlreadyExists = () => new RdsFault('DBInstanceAlreadyExists', 400, 'DB instance already exists')
export const invalidDbInstanceState = (message: string) => new RdsFault('InvalidDBInstanceState', 400, message)
export const dbClusterSnapshotNotFound = (id: string) =>
  new RdsFault('DBClusterSnapshotNotFoundFault', 404, `DBClusterSnapshot ${id} not found.`)
export const dbClusterSnapshotAlreadyExists = (id: string) =>
  new RdsFault(
    'DBClusterSnapshotAlreadyExistsFault',
    400,
    `Cannot create the snapshot because a snapshot with the identifier ${id} already exists.`,
  )
export const instanceQuotaExceeded = (message: string) => new RdsFault('InstanceQuotaExceeded', 400, message)
export const invalidDbClusterSnapshotState = (message: string) => new RdsFault('InvalidDBClusterSnapshotStateFault', 400, message)
export const snapshotQuotaExceeded = () =>
  new RdsFault('SnapshotQuotaExceeded', 400, 'Cannot create more than 100 manual DB cluster snapshots in this Region.')
export const invalidRestore = (message: string) => new RdsFault('InvalidRestoreFault', 400, message)
export const dbClusterBacktrackNotFound = (id: string) =>
  new RdsFault('DBClusterBacktrackNotFoundFault', 404, `DBClusterBacktrack ${id} not found.`)
export const globalClusterNotFound = (id: string) =>
  new RdsFault('GlobalClusterNotFoundFault', 404, `Global cluster ${id} not found.`)
export const globalClusterAlreadyExists = (id: string) =>
  new RdsFault('GlobalClusterAlreadyExistsFault', 400, `Global cluster ${id} already exists.`)
export const invalidGlobalClusterState = (message: string) => new RdsFault('InvalidGlobalClusterStateFault', 400, message)
export const globalClusterQuotaExceeded = (message: string) => new RdsFault('GlobalClusterQuotaExceededFault', 400, message)

import type {DBInstance} from '@aws-sdk/client-rds'

/**
 * AZs for `count` new instances: each goes to the least-populated AZ of the cluster,
 * ties broken in AZ order, so a cluster spreads evenly over its three AZs.
 */
export function placeInstances(clusterZones: string[], existingZones: string[], count: number): (string | undefined)[] {
  const zones = [...clusterZones].sort()
  if (zones.length === 0) return Array.from({length: count}, () => undefined)
  const load = new Map(zones.map((z) => [z, existingZones.filter((e) => e === z).length]))
  const chosen: string[] = []
  for (let i = 0; i < count; i++) {
    const zone = zones.reduce((best, z) => (load.get(z)! < load.get(best)! ? z : best), zones[0])
    load.set(zone, load.get(zone)! + 1)
    chosen.push(zone)
  }
  return chosen
}

/** Instance ids in the console's style, `<cluster>-instance-N`, skipping numbers in use. */
export function nextInstanceIds(clusterId: string, existing: string[], count: number): string[] {
  const taken = new Set(existing)
  const ids: string[] = []
  for (let n = 1; ids.length < count; n++) {
    const id = `${clusterId}-instance-${n}`
    if (!taken.has(id)) ids.push(id)
  }
  return ids
}

/**
 * Which readers to remove when scaling in: the least preferred failover targets first
 * (highest tier), then from the most crowded AZ, so the cluster stays spread.
 */
export function readersToRemove(readers: DBInstance[], count: number): string[] {
  const remaining = [...readers]
  const victims: string[] = []
  while (victims.length < count && remaining.length > 0) {
    const perZone = new Map<string, number>()
    for (const r of remaining) perZone.set(r.AvailabilityZone ?? '', (perZone.get(r.AvailabilityZone ?? '') ?? 0) + 1)
    remaining.sort(
      (a, b) =>
        (b.PromotionTier ?? 1) - (a.PromotionTier ?? 1) ||
        perZone.get(b.AvailabilityZone ?? '')! - perZone.get(a.AvailabilityZone ?? '')! ||
        b.DBInstanceIdentifier!.localeCompare(a.DBInstanceIdentifier!),
    )
    victims.push(remaining.shift()!.DBInstanceIdentifier!)
  }
  return victims
}

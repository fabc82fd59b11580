/** A distribution of lag samples (ms) as the admin API reports it. */
export interface LagSummary {
  samples: number
  p50Ms?: number
  p99Ms?: number
  maxMs?: number
}

export function lagSummary(samples: readonly number[]): LagSummary {
  if (samples.length === 0) return {samples: 0}
  const sorted = [...samples].sort((a, b) => a - b)
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]
  return {samples: sorted.length, p50Ms: at(50), p99Ms: at(99), maxMs: sorted[sorted.length - 1]}
}

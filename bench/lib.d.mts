/** Types of the helpers in lib.mjs that TypeScript benches use. */
export function median(values: number[]): number
export const round: (x: number, digits?: number) => number
export function machine(): {date: string; node: string; platform: string; cpu: string; memoryGiB: number; loadavg: number[]}

// Summarises a V8 .cpuprofile (from `node --cpu-prof`): the top functions by self time and by
// inclusive time, as JSON on stdout.  Usage: node bench/profile-summary.mjs FILE.cpuprofile [top=25]
import fs from 'node:fs'
import path from 'node:path'

const [file, topArg] = process.argv.slice(2)
if (!file) {
  console.error('usage: node bench/profile-summary.mjs FILE.cpuprofile [top]')
  process.exit(2)
}
const top = Number(topArg ?? 25)
const profile = JSON.parse(fs.readFileSync(file, 'utf8'))
const byId = new Map(profile.nodes.map((n) => [n.id, n]))
const parent = new Map()
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id)

// Self time per node: each sample is worth the interval to the next one.
const selfUs = new Map()
for (let i = 0; i < profile.samples.length; i++) {
  const dt = profile.timeDeltas[i + 1] ?? 0
  selfUs.set(profile.samples[i], (selfUs.get(profile.samples[i]) ?? 0) + dt)
}
const total = [...selfUs.values()].reduce((a, b) => a + b, 0)

const label = (n) => {
  const f = n.callFrame
  const where = f.url ? `${path.basename(f.url)}:${f.lineNumber + 1}` : ''
  return `${f.functionName || '(anonymous)'} ${where}`.trim()
}

const self = new Map()
const inclusive = new Map()
for (const [id, us] of selfUs) {
  const key = label(byId.get(id))
  self.set(key, (self.get(key) ?? 0) + us)
  // Inclusive: count once per distinct function on the stack.
  const seen = new Set()
  for (let at = id; at !== undefined; at = parent.get(at)) {
    const k = label(byId.get(at))
    if (seen.has(k)) continue
    seen.add(k)
    inclusive.set(k, (inclusive.get(k) ?? 0) + us)
  }
}
const rank = (m) =>
  [...m]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([fn, us]) => ({fn, ms: Math.round(us / 1000), pct: Number(((100 * us) / total).toFixed(1))}))
const lines = (xs) => xs.map((x) => `    ${JSON.stringify(x)}`).join(',\n')
console.log(`{\n  "file": ${JSON.stringify(path.basename(file))},\n  "totalMs": ${Math.round(total / 1000)},\n  "self": [\n${lines(rank(self))}\n  ],\n  "inclusive": [\n${lines(rank(inclusive))}\n  ]\n}`)

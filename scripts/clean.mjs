// First step of `npm run build`: no file of an earlier build (a removed command, an old code cache) survives.
import fs from 'node:fs'

fs.rmSync(new URL('../dist', import.meta.url), {recursive: true, force: true})

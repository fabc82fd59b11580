import os from 'node:os'
import path from 'node:path'

/** The emulator's state directory: $AURORACTL_HOME, else the platform's data directory. */
export function stateHome(env: NodeJS.ProcessEnv = process.env): string {
  if (env.AURORACTL_HOME) return path.resolve(env.AURORACTL_HOME)
  const home = os.homedir()
  switch (process.platform) {
    case 'darwin':
      return path.join(home, 'Library', 'Application Support', 'auroractl')
    case 'win32':
      return path.join(env.LOCALAPPDATA ?? path.join(home, 'AppData', 'Local'), 'auroractl')
    default:
      return path.join(env.XDG_DATA_HOME ?? path.join(home, '.local', 'share'), 'auroractl')
  }
}

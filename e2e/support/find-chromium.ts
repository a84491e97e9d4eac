import { accessSync, constants } from 'node:fs'
import { delimiter, join } from 'node:path'

const NAMES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable']

/** How to get a browser, in the words printed when there is none. */
export const INSTALL_HINT =
  'install Chromium (`apt-get install chromium`, or your system’s package) or set CHROMIUM_PATH to a Chromium or Chrome binary'

const executable = (path: string) => {
  try {
    accessSync(path, constants.X_OK)
    return true
  } catch {
    return false
  }
}

/**
 * The browser the browser tests drive: CHROMIUM_PATH when set (it must exist), else the first of
 * chromium, chromium-browser, google-chrome on the PATH; undefined when there is none.
 */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const chosen = env.CHROMIUM_PATH
  if (chosen) {
    if (!executable(chosen)) throw new Error(`CHROMIUM_PATH=${chosen} is not an executable file`)
    return chosen
  }
  const dirs = (env.PATH ?? '').split(delimiter).filter(Boolean)
  for (const name of NAMES) {
    for (const dir of dirs) {
      const path = join(dir, name)
      if (executable(path)) return path
    }
  }
  return undefined
}

import { ProvisioningError } from './provisioning-error';
import { findOnPath, isExecutable, runCommand } from './run-command';

/** Debian's package; its binary is /usr/bin/chromium. */
const APT_PACKAGE = 'chromium';
const NAMES = ['chromium', 'chromium-browser'] as const;
/** apt-get update and a first install of Chromium's ~100 dependencies take a few minutes. */
const APT_TIMEOUT_MS = 15 * 60_000;

export interface FoundChromium {
  readonly path: string;
  readonly via: string;
}

/**
 * The Chromium the browser tests drive (issue #14), provided like the other servers, each route
 * tried in order: CHROMIUM_PATH, then `chromium` on PATH, then, when running as root, Debian's
 * package through `apt-get install` (Playwright's own browser download needs the internet, apt
 * works from Debian's mirror). Throws a ProvisioningError naming each route and the fix.
 */
export async function provideChromium(log: (line: string) => void, { install = true }: { install?: boolean } = {}): Promise<FoundChromium> {
  const attempts: string[] = [];
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) {
    if (isExecutable(fromEnv)) return { path: fromEnv, via: 'CHROMIUM_PATH' };
    attempts.push(`CHROMIUM_PATH=${fromEnv}: not an executable file`);
  } else {
    attempts.push('CHROMIUM_PATH: not set');
  }
  const onPath = findChromiumOnPath();
  if (onPath) return { path: onPath, via: 'PATH' };
  attempts.push(`${NAMES.join(' or ')} on PATH: not found`);

  if (!install) {
    attempts.push('apt-get install: not tried (install disabled)');
  } else if (process.getuid?.() !== 0) {
    attempts.push(`apt-get install ${APT_PACKAGE}: not root, so not tried`);
  } else if (!findOnPath('apt-get')) {
    attempts.push('apt-get: not on PATH (not a Debian-based system)');
  } else {
    log(`installing Debian's ${APT_PACKAGE} with apt-get (once per machine; a few minutes)`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    // Wait for another apt run (a parallel test process) instead of failing on its lock.
    const lock = ['-o', 'DPkg::Lock::Timeout=600'];
    const update = await runCommand('apt-get', [...lock, 'update'], { env, timeoutMs: APT_TIMEOUT_MS });
    const installed =
      update.code === 0
        ? await runCommand('apt-get', [...lock, 'install', '-y', '--no-install-recommends', APT_PACKAGE], { env, timeoutMs: APT_TIMEOUT_MS })
        : update;
    const found = findChromiumOnPath();
    if (installed.code === 0 && found) return { path: found, via: `apt-get install ${APT_PACKAGE}` };
    attempts.push(`apt-get ${update.code === 0 ? `install ${APT_PACKAGE}` : 'update'}: exit ${installed.code}: ${lastLine(installed.stderr || installed.stdout)}`);
  }
  throw new ProvisioningError(
    'Chromium for the browser tests',
    attempts,
    `install it (\`apt-get install ${APT_PACKAGE}\` on Debian, as root) or set CHROMIUM_PATH to a Chromium or Chrome binary`,
  );
}

function findChromiumOnPath(): string | undefined {
  for (const name of NAMES) {
    const found = findOnPath(name);
    if (found) return found;
  }
  return undefined;
}

function lastLine(text: string): string {
  return text.trim().split('\n').at(-1) ?? '';
}

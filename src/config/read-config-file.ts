import { readFileSync } from 'node:fs';
import { requireUserModule } from '../handlers/require-user-module';
import { ConfigError } from './config-error';

/** Config files that are modules: their default export (or module.exports) is the config. */
const MODULE_CONFIG = /\.(?:c?js|c?ts|mts)$/;

/**
 * The config as written, before validation: hookflow.config.json, or a module such as
 * hookflow.config.ts (`export default defineConfig({...})`, compiled on load like the handlers),
 * chosen with HOOKFLOW_CONFIG. Throws ConfigError naming the file.
 */
export function readConfigFile(configPath: string): unknown {
  if (MODULE_CONFIG.test(configPath)) {
    let mod: Record<string, unknown>;
    try {
      mod = requireUserModule(configPath);
    } catch (error) {
      throw new ConfigError(`cannot load config module ${configPath}: ${(error as Error).message}`);
    }
    const config = 'default' in mod ? mod.default : mod;
    if (!config || typeof config !== 'object') throw new ConfigError(`config module ${configPath} must export the config object as its default export`);
    return config;
  }
  let text: string;
  try {
    text = readFileSync(configPath, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read config file ${configPath}: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new ConfigError(`config file ${configPath} is not valid JSON: ${(error as Error).message}`);
  }
}

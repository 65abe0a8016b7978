// `.env` in the working directory, read by Node's own loader (process.loadEnvFile) into
// process.env before the configuration is parsed. Node never overwrites a variable that is already
// set, so the real environment wins over the file. No file, no change.
import { ConfigError } from "./error.js";

export const ENV_FILE = ".env";

export function loadEnvFile(path: string = ENV_FILE): NodeJS.ProcessEnv {
  try {
    process.loadEnvFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") {
      throw new ConfigError(`Invalid configuration: cannot read ${path}: ${(error as Error).message}`);
    }
  }
  return process.env;
}

/** Thrown when the environment cannot make a safe server; its message is the one line to print. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

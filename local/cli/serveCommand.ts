import { loadAntiForgeryKey } from '../serve/antiForgeryKeyFile';
import { startLocalServer, type LocalServer } from '../serve/localServer';
import {
  CommandError,
  open,
  print,
  stateDirectoryOf,
  type CommandEnvironment,
  type StateOptions,
} from './commandContext';

export interface ServeOptions extends StateOptions {
  readonly port?: string;
}

/** The Functions host's default port, so that the approval links of a local run match. */
export const DEFAULT_PORT = 7071;

/**
 * Serves the approval page, the audit timeline and the HTTP API on 127.0.0.1 over the state
 * directory, with the local sign-in stand-in. Runs until the process is stopped; the state
 * directory must not be used by another command meanwhile (#3).
 */
export async function serveCommand(
  env: CommandEnvironment,
  options: ServeOptions,
): Promise<LocalServer> {
  const port = options.port === undefined ? DEFAULT_PORT : Number(options.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new CommandError(`--port must be a port number from 1 to 65535, got "${options.port}"`);
  }

  const baseUrl = `http://127.0.0.1:${port}`;
  const environment = { C2R_PUBLIC_BASE_URL: baseUrl, ...env.environment };
  const responder = await open(
    { ...env, environment },
    { state: options.state, notices: env.stderr, createState: true },
  );
  const server = await startLocalServer({
    responder,
    port,
    antiForgeryKey: await loadAntiForgeryKey(stateDirectoryOf(env, options)),
    log: (line) => env.stderr.write(`${line}\n`),
  });

  print(
    env,
    [
      `Serving the approval pages and the HTTP API at ${server.url}/ (local use only: the sign-in`,
      'trusts any name, and only this machine can connect). Stop with Ctrl+C.',
    ].join('\n'),
  );
  return server;
}

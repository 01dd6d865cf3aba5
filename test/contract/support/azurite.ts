import { spawn } from 'node:child_process';
import { createConnection, createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

/** Azurite's well-known development account (documented, not a secret). */
export const DEV_ACCOUNT = 'devstoreaccount1';
export const DEV_ACCOUNT_KEY =
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export interface AzuriteTable {
  /** `http://127.0.0.1:<port>/devstoreaccount1` */
  readonly url: string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Starts the Azurite Table service in memory. Telemetry is disabled because Azurite otherwise
 * tries to reach an outside endpoint.
 */
export async function startAzuriteTable(): Promise<AzuriteTable> {
  const port = await freePort();
  const bin = join(__dirname, '..', '..', '..', 'node_modules', '.bin', 'azurite-table');
  const child = spawn(
    bin,
    [
      '--inMemoryPersistence',
      '--disableTelemetry',
      '--silent',
      '--tableHost',
      '127.0.0.1',
      '--tablePort',
      String(port),
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  for (let attempt = 0; !(await accepts(port)); attempt += 1) {
    if (attempt > 200 || child.exitCode !== null) {
      child.kill();
      throw new Error(`azurite-table did not start on port ${port}: ${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }

  return {
    url: `http://127.0.0.1:${port}/${DEV_ACCOUNT}`,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

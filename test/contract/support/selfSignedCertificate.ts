import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

export interface SelfSignedCertificate {
  /** PEM certificate; doubles as the CA that clients trust (`tlsOptions: { ca }`). */
  readonly cert: string;
  readonly key: string;
}

let pending: Promise<SelfSignedCertificate> | undefined;

async function generate(): Promise<SelfSignedCertificate> {
  const dir = await mkdtemp(join(tmpdir(), 'c2-responder-tls-'));
  try {
    const keyPath = join(dir, 'key.pem');
    const certPath = join(dir, 'cert.pem');
    // The subjectAltName must name the IP: Node checks the address against SANs, not the CN.
    await promisify(execFile)('openssl', [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      keyPath,
      '-out',
      certPath,
    ]);
    const [cert, key] = await Promise.all([readFile(certPath, 'utf8'), readFile(keyPath, 'utf8')]);

    return { cert, key };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** One certificate per test process, made with openssl in a temporary folder that is removed. */
export function selfSignedCertificate(): Promise<SelfSignedCertificate> {
  pending ??= generate();
  return pending;
}

/** How long to wait before another try when the NSG answered busy without a Retry-After. */
export function busyBackoffMs(attempt: number, retryAfterMs: number | undefined): number {
  if (retryAfterMs !== undefined && Number.isFinite(retryAfterMs) && retryAfterMs >= 0) {
    return retryAfterMs;
  }
  return Math.min(1000 * 2 ** Math.max(0, attempt - 1), 30_000);
}

/**
 * Errors lose their class across module copies and activity boundaries, so the kind is read from
 * the stable `code` the port errors carry (shared/ports/portErrors.ts).
 */
export function portErrorCode(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  const code = (error as Error & { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

export function retryAfterOf(error: unknown): number | undefined {
  if (!(error instanceof Error)) return undefined;
  const value = (error as Error & { retryAfterMs?: unknown }).retryAfterMs;
  return typeof value === 'number' ? value : undefined;
}

/** The NSG is busy with another operation or the service asked to come back: wait and try again. */
export function isBusy(error: unknown): boolean {
  const code = portErrorCode(error);
  return code === 'firewall-busy' || code === 'transient';
}

export const defaultSleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms));

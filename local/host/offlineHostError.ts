export type OfflineHostErrorCode =
  /** `start` over a Pending or Running instance: Azure would replace it, the host refuses. */
  | 'instance-exists'
  | 'instance-not-found'
  /** No orchestration or activity of that name was registered. */
  | 'unknown-function'
  /** The loader registered nothing: app code was loaded before the stand-in was installed. */
  | 'no-registrations'
  | 'corrupt-state'
  | 'invalid-argument';

/** What callers of the offline host act on; orchestration failures end in the instance instead. */
export class OfflineHostError extends Error {
  override readonly name = 'OfflineHostError';

  constructor(
    readonly code: OfflineHostErrorCode,
    message: string,
  ) {
    super(message);
  }
}

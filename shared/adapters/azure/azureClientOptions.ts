import type { TokenCredential } from '@azure/core-auth';
import type { TlsSettings } from '@azure/core-rest-pipeline';

/** How the SDK pipeline retries throttled and failed requests (core-rest-pipeline's retry options). */
export interface AzureRetryOptions {
  readonly maxRetries?: number;
  readonly retryDelayInMs?: number;
  readonly maxRetryDelayInMs?: number;
}

/**
 * What every Azure adapter is given; configuration is read elsewhere. `tlsOptions` lets a client
 * trust a private CA (the contract tests' local fakes); production leaves it unset.
 */
export interface AzureClientOptions {
  readonly credential: TokenCredential;
  readonly endpoint?: string;
  readonly retryOptions?: AzureRetryOptions;
  readonly tlsOptions?: TlsSettings;
}

import type { TokenCredential } from '@azure/core-auth';
import { DefaultAzureCredential, ManagedIdentityCredential } from '@azure/identity';

export interface CredentialOptions {
  /** Client id of the user-assigned managed identity the Function App runs as. */
  readonly managedIdentityClientId?: string;
}

/**
 * The identity every Azure adapter uses. A user-assigned identity is named by its client id (an
 * app with several identities must say which one); otherwise DefaultAzureCredential finds the
 * system-assigned identity in Azure or the developer's sign-in locally. No secret is ever read.
 */
export function createCredential(options: CredentialOptions = {}): TokenCredential {
  if (options.managedIdentityClientId) {
    return new ManagedIdentityCredential({ clientId: options.managedIdentityClientId });
  }

  return new DefaultAzureCredential();
}

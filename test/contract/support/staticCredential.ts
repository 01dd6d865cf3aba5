import type { AccessToken, TokenCredential } from '@azure/core-auth';

import { FAKE_TOKEN } from './httpsFake';

/** A credential that always hands out the token the fakes accept; records the scopes asked for. */
export function staticCredential(): TokenCredential & { readonly scopes: string[] } {
  const scopes: string[] = [];
  return {
    scopes,
    getToken: (requested: string | string[]): Promise<AccessToken> => {
      scopes.push(...(Array.isArray(requested) ? requested : [requested]));
      return Promise.resolve({ token: FAKE_TOKEN, expiresOnTimestamp: Date.now() + 3_600_000 });
    },
  };
}

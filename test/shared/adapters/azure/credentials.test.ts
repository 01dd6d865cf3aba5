import { DefaultAzureCredential, ManagedIdentityCredential } from '@azure/identity';

import { createCredential } from '../../../../shared/adapters/azure/credentials';

describe('createCredential', () => {
  it('uses the user-assigned managed identity named by its client id', () => {
    expect(
      createCredential({ managedIdentityClientId: '7c3f0a52-1111-4222-8333-944445555666' }),
    ).toBeInstanceOf(ManagedIdentityCredential);
  });

  it('falls back to DefaultAzureCredential when no identity is named', () => {
    expect(createCredential()).toBeInstanceOf(DefaultAzureCredential);
    expect(createCredential({ managedIdentityClientId: '' })).toBeInstanceOf(
      DefaultAzureCredential,
    );
  });
});

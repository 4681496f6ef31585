// Type checks of signing in (compiled with `tsc --noEmit --strict -p tests/typings` by
// tests/typings.test.mjs): what must compile, and (@ts-expect-error) what must not.

import {
  CertificateCredential,
  Client,
  ClientSecretCredential,
  DeviceCodeCredential,
  PartnerCenterError,
  RefreshTokenCredential,
  type DeviceCodeInfo,
  type TokenCredentialLike,
} from '../../index'

const baseUrl = 'http://127.0.0.1:8080'

const appOnly = new ClientSecretCredential({ tenantId: 't', clientId: 'c', clientSecret: 's', authorityHost: baseUrl })
new Client({ credential: appOnly, baseUrl })
new Client({ credential: new CertificateCredential({ tenantId: 't', clientId: 'c', certificatePath: 'cert.pem' }), cloud: 'usgov' })
new Client({
  credential: new CertificateCredential({ tenantId: 't', clientId: 'c', certificate: Buffer.from(''), password: 'p' }),
})
const stored: string[] = []
new Client({
  credential: new RefreshTokenCredential({
    tenantId: 't',
    clientId: 'c',
    refreshToken: 'r',
    clientSecret: 's',
    onRefresh: async (token: string) => {
      stored.push(token)
    },
  }),
})
new Client({
  credential: new DeviceCodeCredential({
    clientId: 'c',
    prompt: (info: DeviceCodeInfo) => console.log(info.message, info.userCode, info.verificationUri, info.expiresIn),
    onRefresh: (token) => void stored.push(token),
  }),
})

// Anything shaped like @azure/core-auth's TokenCredential, and a token function.
const foreign: TokenCredentialLike = {
  getToken: async (scopes: string | string[]) => ({ token: String(scopes), expiresOnTimestamp: Date.now() + 1000 }),
}
new Client({ credential: foreign, caCert: '-----BEGIN CERTIFICATE-----' })
new Client({ credential: async () => 'token', caCert: Buffer.from('') })
class AzureLike {
  async getToken(scopes: string | string[], options?: { abortSignal?: unknown; tenantId?: string }) {
    return options?.tenantId ? null : { token: String(scopes), expiresOnTimestamp: 1, refreshAfterTimestamp: 0, tokenType: 'Bearer' as const }
  }
}
new Client({ credential: new AzureLike() })

function fields(err: PartnerCenterError): [string | null, string | null, number[], string | null] {
  if (err.code === 'PC_AUTHENTICATION' || err.code === 'PC_REAUTHENTICATION_REQUIRED' || err.code === 'PC_MFA_REQUIRED') {
    return [err.error, err.errorDescription, err.errorCodes, err.traceId]
  }
  return [null, null, [], null]
}
void fields

// @ts-expect-error the client secret is required
new ClientSecretCredential({ tenantId: 't', clientId: 'c' })
// @ts-expect-error one options object, not positional arguments
new ClientSecretCredential('t', 'c', 's')
// @ts-expect-error the refresh token is required
new RefreshTokenCredential({ tenantId: 't', clientId: 'c' })
// @ts-expect-error onRefresh takes the new refresh token
new RefreshTokenCredential({ tenantId: 't', clientId: 'c', refreshToken: 'r', onRefresh: (n: number) => n })
// @ts-expect-error a string is not a credential
new Client({ credential: 'token' })
// @ts-expect-error a token function returns a Promise of a string
new Client({ credential: async () => 42 })

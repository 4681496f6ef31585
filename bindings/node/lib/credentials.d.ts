// Hand-written glue: the credentials `new Client({ credential })` signs in with. The token requests,
// the token cache and its refresh policy run in the Rust runtime; no secret is kept on these objects.

/** What a device-code `prompt` is shown. */
export interface DeviceCodeInfo {
  /** The code the user types at `verificationUri`. */
  userCode: string
  verificationUri: string
  /** The sign-in service's own instructions, e.g. "To sign in, use a web browser to open …". */
  message: string
  /** Seconds until the code expires. */
  expiresIn: number
}

/**
 * Called with every new refresh token (they rotate): store it in place of the old one. A call that
 * refreshed resolves only after this (and the Promise it returns) has finished; a throw or rejection
 * becomes a process warning.
 */
export type OnRefresh = (newRefreshToken: string) => void | Promise<void>

export interface ClientSecretCredentialOptions {
  /** The partner's tenant (a GUID or domain). */
  tenantId: string
  clientId: string
  clientSecret: string
  /** The sign-in service, e.g. `https://login.microsoftonline.us`; default: the client's cloud's. */
  authorityHost?: string
}

export interface CertificateCredentialOptions {
  tenantId: string
  clientId: string
  /** A PEM file with the CERTIFICATE and its RSA private key. Give this or `certificate`. */
  certificatePath?: string
  /** PEM text with the CERTIFICATE and its RSA private key. Give this or `certificatePath`. */
  certificate?: string | Buffer
  /** The password of an ENCRYPTED PRIVATE KEY. */
  password?: string
  authorityHost?: string
}

export interface RefreshTokenCredentialOptions {
  tenantId: string
  clientId: string
  /** The refresh token stored after the one-time consent (e.g. from a `DeviceCodeCredential`). */
  refreshToken: string
  /** For a confidential (web) app; none for a public (native) one. */
  clientSecret?: string
  onRefresh?: OnRefresh
  authorityHost?: string
}

export interface DeviceCodeCredentialOptions {
  clientId: string
  /** Default `organizations` (any work or school account). */
  tenantId?: string
  /** For a confidential (web) app; none for a public (native) one. */
  clientSecret?: string
  /** Shows the user where to sign in (default: the message on stderr). */
  prompt?: (info: DeviceCodeInfo) => void | Promise<void>
  onRefresh?: OnRefresh
  authorityHost?: string
}

/** App-only sign-in with a client secret (OAuth2 client credentials, scope `…/.default`). */
export declare class ClientSecretCredential {
  constructor(options: ClientSecretCredentialOptions)
  readonly tenantId: string
  readonly clientId: string
  readonly authorityHost?: string
}

/** App-only sign-in with a certificate (a client assertion signed with its RSA key). */
export declare class CertificateCredential {
  constructor(options: CertificateCredentialOptions)
  readonly tenantId: string
  readonly clientId: string
  readonly certificatePath?: string
  readonly authorityHost?: string
}

/** App+User sign-in with a stored, rotating refresh token (scope `…/user_impersonation`). */
export declare class RefreshTokenCredential {
  constructor(options: RefreshTokenCredentialOptions)
  readonly tenantId: string
  readonly clientId: string
  readonly authorityHost?: string
}

/** App+User sign-in by device code (one-time consent), then by the refresh token it obtained. */
export declare class DeviceCodeCredential {
  constructor(options: DeviceCodeCredentialOptions)
  readonly tenantId: string
  readonly clientId: string
  readonly authorityHost?: string
}

/** `@azure/core-auth`'s `AccessToken`, structurally. */
export interface AccessTokenLike {
  token: string
  /** Milliseconds since the epoch. */
  expiresOnTimestamp: number
  /** Milliseconds since the epoch: get a new token from then on. */
  refreshAfterTimestamp?: number
}

/** `@azure/core-auth`'s `TokenCredential`, structurally (e.g. `@azure/identity` credentials). */
export interface TokenCredentialLike {
  getToken(scopes: string | string[], options?: unknown): Promise<AccessTokenLike | null>
}

/** Everything `new Client({ credential })` accepts. */
export type Credential =
  | ClientSecretCredential
  | CertificateCredential
  | RefreshTokenCredential
  | DeviceCodeCredential
  | TokenCredentialLike
  | (() => Promise<string>)

/** @internal The native credential behind `credential` (throws PC_CONFIG for anything else). */
export declare function nativeCredential(credential: Credential): unknown

// Type checks of the onboarding operations (compiled with `tsc --noEmit --strict -p tests/typings` by
// tests/typings.test.mjs): the calls a partner writes compile with the answers typed; (@ts-expect-error)
// what must not.

import {
  Client,
  PartnerCenterError,
  type Agreement,
  type AgreementCollection,
  type AgreementDocument,
  type AgreementMetaDataCollection,
  type CustomerQualification,
  type CustomerUser,
  type DirectSignedCustomerAgreementStatus,
  type ManagedServiceCollection,
  type NewCustomerUser,
  type Page,
  type PartnerRelationshipCollection,
  type SubscribedSkuCollection,
  type ValidationCode,
} from '../../index'

const client = new Client({ token: 't', baseUrl: 'http://127.0.0.1:8080' })
const cid = '0f8fad5b-d9cb-469f-a165-70867728950e'

export async function journey(): Promise<void> {
  const resellers: PartnerRelationshipCollection = await client.relationships.list('IsIndirectCloudSolutionProviderOf', {
    filter: { Field: 'Name', Value: 'First', Operator: 'starts_with' },
  })
  const resellerId: string | undefined = resellers.items?.[0]?.id
  void resellerId
  // Open enums: a value a later service version may add still compiles.
  await client.relationships.list('IsSomethingNew')

  const templates: AgreementMetaDataCollection = await client.agreements.listMetadata({ agreementType: 'MicrosoftCustomerAgreement' })
  await client.agreements.listMetadata()
  const attestation: Agreement = {
    primaryContact: { firstName: 'Tania', lastName: 'Carr', email: 'tania@contoso.example' },
    templateId: templates.items?.[0]?.templateId ?? '',
    dateAgreed: new Date().toISOString(),
    type: 'MicrosoftCustomerAgreement',
  }
  const created: Agreement = await client.agreements.create(cid, attestation, { requestId: 'r', timeout: 5000 })
  const agreedOn: string = created.dateAgreed
  void agreedOn
  const listed: AgreementCollection = await client.agreements.list(cid, { agreementType: '*' })
  void listed
  const doc: AgreementDocument = await client.agreements.getDocument('117a77b0-9360-443b-8795-c6dedc750cf9', { country: 'DE', language: 'de-DE' })
  void doc.downloadUri
  const signed: DirectSignedCustomerAgreementStatus = await client.agreements.getDirectSignedStatus(cid)
  const isSigned: boolean = signed.isSigned
  void isSigned
  const status: number = (await client.agreements.createWithResponse(cid, attestation)).status
  void status

  const newUser: NewCustomerUser = {
    userPrincipalName: 'gena@contoso.onmicrosoft.com',
    displayName: 'Gena Soto',
    passwordProfile: { password: 'Onboard!2024', forceChangePassword: true },
  }
  const user: CustomerUser = await client.users.create(cid, newUser)
  const password: string | undefined = user.passwordProfile?.password
  void password
  const page: Page<CustomerUser> = await client.users.listPage(cid, { size: 40, continuationToken: null })
  const next: string | null = page.continuationToken
  void next
  for await (const u of client.users.list(cid, { filter: { Field: 'UserState', Value: 'Inactive', Operator: 'equals' } })) {
    const deletedAt: string | undefined = u.softDeletionTime
    void deletedAt
  }
  await client.users.get(cid, user.id ?? '')
  await client.users.update(cid, user.id ?? '', { state: 'active', displayName: 'Back' })
  const gone: void = await client.users.delete(cid, user.id ?? '')
  void gone

  const licences: SubscribedSkuCollection = await client.licenses.list(cid, { licenseGroupIds: ['Group1', 'Group2'] })
  void licences
  const qualifications: CustomerQualification[] = await client.qualifications.list(cid)
  void qualifications.length
  const q: CustomerQualification = await client.qualifications.create(cid, { qualification: 'Education', educationSegment: 'K12' })
  void q.vettingStatus
  await client.qualifications.create(cid, { qualification: 'GovernmentCommunityCloud' }, { code: '12345' })
  const codes: ValidationCode[] = await client.qualifications.listValidationCodes()
  void codes
  const services: ManagedServiceCollection = await client.customers.listManagedServices(cid)
  void services

  try {
    await client.users.get(cid, 'x')
  } catch (err) {
    if (err instanceof PartnerCenterError && err.code === 'PC_NOT_FOUND') {
      const pcCode: string | null = err.partnerCenterCode
      void pcCode
    }
  }
}

export async function mistakes(): Promise<void> {
  // @ts-expect-error relationshipType is required
  await client.relationships.list()
  // @ts-expect-error relationshipType is positional, not an option
  await client.relationships.list({ relationshipType: 'IsIndirectResellerOf' })
  // @ts-expect-error the attestation needs dateAgreed
  await client.agreements.create(cid, { primaryContact: { firstName: 'a', lastName: 'b', email: 'c@d' }, templateId: 't', type: 'x' })
  // @ts-expect-error a contact needs an email
  await client.agreements.create(cid, { primaryContact: { firstName: 'a', lastName: 'b' }, templateId: 't', dateAgreed: '', type: 'x' })
  // @ts-expect-error a new user needs a password profile
  await client.users.create(cid, { userPrincipalName: 'a@b.c', displayName: 'A' })
  // @ts-expect-error qualifications.list answers a bare array, not a collection
  void (await client.qualifications.list(cid)).items
  // @ts-expect-error listValidationCodes answers a bare array
  void (await client.qualifications.listValidationCodes()).totalCount
  // @ts-expect-error users.list is iterated, not awaited for a page
  void (await client.users.list(cid)).items
  // @ts-expect-error licenseGroupIds is a list
  await client.licenses.list(cid, { licenseGroupIds: 'Group1' })
  // @ts-expect-error delete resolves to nothing
  const nothing: CustomerUser = await client.users.delete(cid, 'u')
  void nothing
}

// A customer's users through the Node client, against the emulator: create, get, update, delete,
// restore, the 30-day purge (the emulator's clock moved forward), paging, the deleted-user filter,
// every documented error, and the password (a secret) never showing. Contract:
// /work/notes/issue14-contract.md §7-11.

import assert from 'node:assert/strict'
import { beforeEach, describe, test } from 'node:test'

import { useEmulator } from './helpers.mjs'
import {
  DELETED,
  ISO_UTC,
  UNKNOWN_CUSTOMER,
  UNKNOWN_USER,
  advanceClock,
  appUserClient,
  assertHidden,
  badInput,
  collect,
  createCustomer,
  failure,
  newUser,
  shown,
  strongPassword,
  unknownCustomer,
  unknownUser,
} from './onboarding-support.mjs'

const env = useEmulator()
let client
let lax // client-side validation off: what the emulator itself answers
let customer
let domain

beforeEach(async () => {
  client = appUserClient(env.emu)
  lax = appUserClient(env.emu, { validate: false })
  customer = await createCustomer(client)
  domain = customer.companyProfile.domain
})

describe('users.create', () => {
  test('200 with the whole user; the password is readable but never shown', async () => {
    const body = newUser(domain)
    const password = body.passwordProfile.password
    const res = await client.users.createWithResponse(customer.id, body)
    assert.equal(res.status, 200)
    const user = res.data
    assert.match(user.id, /^[0-9a-f-]{36}$/)
    assert.equal(user.userPrincipalName, body.userPrincipalName)
    assert.equal(user.displayName, body.displayName)
    assert.equal(user.firstName, 'Ada')
    assert.equal(user.usageLocation, 'US')
    assert.equal(user.userDomainType, 'none')
    assert.equal(user.state, 'active')
    assert.equal(user.softDeletionTime ?? null, null)
    assert.equal(user.links.self.uri, `/customers/${customer.id}/users/${user.id}`)
    assert.equal(user.attributes.objectType, 'CustomerUser')

    // The service echoes the password profile: readable, not enumerable.
    assert.equal(user.passwordProfile.password, password)
    assert.equal(user.passwordProfile.forceChangePassword, true)
    assert.ok(!Object.keys(user.passwordProfile).includes('password'))
    assert.equal({ ...user.passwordProfile }.password, undefined)
    assertHidden(user, password, 'the created user')
    assertHidden(res, password, 'the whole response')
    assertHidden([user], password, 'a list holding the user')
    assert.ok(shown(user).includes(body.userPrincipalName), 'the rest of the user is shown')

    // Read back: a get does not return the password at all.
    const got = await client.users.get(customer.id, user.id)
    assert.equal(got.id, user.id)
    assert.equal(got.passwordProfile?.password, undefined)
    assertHidden(got, password, 'the user read back')
  })

  test('the user principal name must be in one of the customer\'s domains (case-insensitive)', async () => {
    const upper = newUser(domain.toUpperCase())
    const created = await client.users.create(customer.id, upper)
    assert.equal(created.userPrincipalName.toLowerCase(), upper.userPrincipalName.toLowerCase())
    const foreign = newUser('fabrikam.onmicrosoft.com')
    const err = await badInput(client.users.create(customer.id, foreign), { secrets: [foreign.passwordProfile.password] })
    assert.match(err.description, /domain|userPrincipalName/i)
  })

  test('the password rule: 8 to 256 characters with three kinds; the error never shows it', async () => {
    for (const password of ['alllowercase', 'lowercase1234', 'UPPERCASE!!!']) {
      const body = newUser(domain, { passwordProfile: { password } })
      const err = await badInput(client.users.create(customer.id, body), { secrets: [password] })
      assert.match(err.description, /password/i)
    }
    // Too short or too long is caught before sending, by the spec's lengths, without the value.
    for (const password of ['Sh0rt!', `Aa1!${'x'.repeat(253)}`]) {
      const err = await failure(client.users.create(customer.id, newUser(domain, { passwordProfile: { password } })), 'PC_VALIDATION', {
        secrets: [password],
      })
      assert.deepEqual(err.errors.map((e) => e.path), ['passwordProfile.password'])
      await badInput(lax.users.create(customer.id, newUser(domain, { passwordProfile: { password } })), { secrets: [password] })
    }
    // Three kinds are enough; 256 characters is allowed.
    await client.users.create(customer.id, newUser(domain, { passwordProfile: { password: 'lowerUPPER1234' } }))
    await client.users.create(customer.id, newUser(domain, { passwordProfile: { password: `Aa1${'x'.repeat(253)}` } }))
  })

  test('a taken user principal name (any case, deleted users too): 409 / 3000', async () => {
    const first = await client.users.create(customer.id, newUser(domain))
    const again = newUser(domain, { userPrincipalName: first.userPrincipalName.toUpperCase() })
    const password = again.passwordProfile.password
    const err = await failure(client.users.create(customer.id, again), 'PC_CONFLICT', {
      status: 409,
      partnerCenterCode: '3000',
      secrets: [password],
    })
    assert.match(err.description, /already exists/)
    await client.users.delete(customer.id, first.id)
    await failure(client.users.create(customer.id, again), 'PC_CONFLICT', { status: 409, partnerCenterCode: '3000' })
    // Another customer's tenant is another namespace.
    const other = await createCustomer(client)
    await client.users.create(other.id, newUser(other.companyProfile.domain, {
      userPrincipalName: first.userPrincipalName.replace(domain, other.companyProfile.domain),
    }))
  })

  test('missing members and a bad usage location: PC_VALIDATION before sending, 400 / 800002 from the server', async () => {
    const { displayName: _drop, ...noName } = newUser(domain)
    const missing = await failure(client.users.create(customer.id, noName), 'PC_VALIDATION')
    assert.ok(missing.errors.some((e) => e.path === 'displayName'), JSON.stringify(missing.errors))
    const usa = newUser(domain, { usageLocation: 'USA' })
    const local = await failure(client.users.create(customer.id, usa), 'PC_VALIDATION', { secrets: [usa.passwordProfile.password] })
    assert.deepEqual(local.errors.map((e) => e.path), ['usageLocation'])
    await badInput(lax.users.create(customer.id, usa), { secrets: [usa.passwordProfile.password] })
  })

  test('unknown customer: 404 / 60003', async () => {
    const body = newUser(domain)
    await unknownCustomer(client.users.create(UNKNOWN_CUSTOMER, body))
    await unknownCustomer(client.users.listPage(UNKNOWN_CUSTOMER))
    await unknownCustomer(client.users.get(UNKNOWN_CUSTOMER, UNKNOWN_USER))
    await unknownCustomer(client.users.update(UNKNOWN_CUSTOMER, UNKNOWN_USER, { displayName: 'x' }))
    await unknownCustomer(client.users.delete(UNKNOWN_CUSTOMER, UNKNOWN_USER))
  })
})

describe('users.get, update, delete', () => {
  test('unknown user: 404 / 60002 everywhere', async () => {
    await unknownUser(client.users.get(customer.id, UNKNOWN_USER))
    await unknownUser(client.users.update(customer.id, UNKNOWN_USER, { displayName: 'x' }))
    await unknownUser(client.users.delete(customer.id, UNKNOWN_USER))
    // A user of another customer is unknown here.
    const other = await createCustomer(client)
    const theirs = await client.users.create(other.id, newUser(other.companyProfile.domain))
    await unknownUser(client.users.get(customer.id, theirs.id))
  })

  test('update changes the members sent and keeps the others; read-only members are ignored', async () => {
    const user = await client.users.create(customer.id, newUser(domain))
    const res = await client.users.updateWithResponse(customer.id, user.id, { usageLocation: 'CA', lastName: 'Byron' })
    assert.equal(res.status, 200)
    assert.equal(res.data.usageLocation, 'CA')
    assert.equal(res.data.lastName, 'Byron')
    assert.equal(res.data.firstName, 'Ada')
    assert.equal(res.data.displayName, user.displayName)
    const got = await client.users.get(customer.id, user.id)
    assert.equal(got.usageLocation, 'CA')
    assert.equal(got.lastName, 'Byron')

    // Read-only members (not in the update type; sent anyway without validation) change nothing.
    const ignored = await lax.users.update(customer.id, user.id, {
      id: '11111111-1111-4111-8111-111111111111',
      userDomainType: 'federated',
      softDeletionTime: '2020-01-01T00:00:00Z',
      displayName: 'Renamed',
    })
    assert.equal(ignored.id, user.id)
    assert.equal(ignored.userDomainType, 'none')
    assert.equal(ignored.softDeletionTime ?? null, null)
    assert.equal(ignored.displayName, 'Renamed')
  })

  test('a password reset is echoed, hidden; its rule applies', async () => {
    const user = await client.users.create(customer.id, newUser(domain))
    const password = strongPassword()
    const reset = await client.users.update(customer.id, user.id, { passwordProfile: { password, forceChangePassword: false } })
    assert.equal(reset.passwordProfile.password, password)
    assert.equal(reset.passwordProfile.forceChangePassword, false)
    assertHidden(reset, password, 'the updated user')
    await badInput(client.users.update(customer.id, user.id, { passwordProfile: { password: 'onlylowercase' } }), {
      secrets: ['onlylowercase'],
    })
  })

  test('renaming to a taken principal name: 409 / 3000; to a foreign domain: 400 / 800002', async () => {
    const a = await client.users.create(customer.id, newUser(domain))
    const b = await client.users.create(customer.id, newUser(domain))
    await failure(client.users.update(customer.id, b.id, { userPrincipalName: a.userPrincipalName }), 'PC_CONFLICT', {
      status: 409,
      partnerCenterCode: '3000',
    })
    await badInput(client.users.update(customer.id, b.id, { userPrincipalName: 'b@fabrikam.onmicrosoft.com' }))
    const renamed = await client.users.update(customer.id, b.id, { userPrincipalName: `renamed@${domain}` })
    assert.equal(renamed.userPrincipalName, `renamed@${domain}`)
  })

  test('state inactive is refused (delete instead): PC_VALIDATION, and 400 / 800002 from the server', async () => {
    const user = await client.users.create(customer.id, newUser(domain))
    const err = await failure(client.users.update(customer.id, user.id, { state: 'inactive' }), 'PC_VALIDATION')
    assert.deepEqual(err.errors.map((e) => e.path), ['state'])
    await badInput(lax.users.update(customer.id, user.id, { state: 'inactive' }))
    assert.equal((await client.users.get(customer.id, user.id)).state, 'active')
  })

  test('delete is a soft delete (204): hidden from get and list, shown by the deleted filter, restored by update', async () => {
    const keep = await client.users.create(customer.id, newUser(domain))
    const doomed = await client.users.create(customer.id, newUser(domain))
    const res = await client.users.deleteWithResponse(customer.id, doomed.id)
    assert.equal(res.status, 204)
    assert.equal(res.data, null)

    await unknownUser(client.users.get(customer.id, doomed.id))
    await unknownUser(client.users.delete(customer.id, doomed.id))
    await unknownUser(client.users.update(customer.id, doomed.id, { displayName: 'Not yet' }))

    assert.deepEqual((await collect(client.users.list(customer.id))).map((u) => u.id), [keep.id])
    const deleted = await client.users.listPage(customer.id, { filter: DELETED })
    assert.equal(deleted.totalCount, 1)
    const [gone] = deleted.items
    assert.equal(gone.id, doomed.id)
    assert.equal(gone.state, 'inactive')
    assert.equal(typeof gone.softDeletionTime, 'string')
    assert.match(gone.softDeletionTime, ISO_UTC)
    assert.ok(Math.abs(Date.parse(gone.softDeletionTime) - Date.now()) < 5 * 60 * 1000, gone.softDeletionTime)

    // Restore, with another change in the same call.
    const restored = await client.users.update(customer.id, doomed.id, { state: 'active', displayName: 'Back again' })
    assert.equal(restored.id, doomed.id)
    assert.equal(restored.state, 'active')
    assert.equal(restored.softDeletionTime ?? null, null)
    assert.equal(restored.displayName, 'Back again')
    assert.equal((await client.users.get(customer.id, doomed.id)).state, 'active')
    assert.deepEqual((await collect(client.users.list(customer.id))).map((u) => u.id), [keep.id, doomed.id])
    assert.equal((await client.users.listPage(customer.id, { filter: DELETED })).totalCount, 0)
    // Restoring an active user changes nothing.
    assert.equal((await client.users.update(customer.id, keep.id, { state: 'active' })).state, 'active')
  })

  test('30 days after deletion the user is purged (the emulator\'s clock moved forward); its name is free again', async () => {
    const early = await client.users.create(customer.id, newUser(domain))
    const late = await client.users.create(customer.id, newUser(domain))
    const saved = await client.users.create(customer.id, newUser(domain))
    await client.users.delete(customer.id, early.id)
    await advanceClock(env.emu, 10)
    await client.users.delete(customer.id, late.id)
    await client.users.delete(customer.id, saved.id)
    await advanceClock(env.emu, 19) // early: 29 days
    const deletedIds = async () => (await collect(client.users.list(customer.id, { filter: DELETED }))).map((u) => u.id)
    assert.deepEqual(await deletedIds(), [early.id, late.id, saved.id])
    await client.users.update(customer.id, saved.id, { state: 'active' })

    await advanceClock(env.emu, 2) // early: 31 days, late: 21
    assert.deepEqual(await deletedIds(), [late.id])
    await unknownUser(client.users.update(customer.id, early.id, { state: 'active' }))
    await unknownUser(client.users.get(customer.id, early.id))
    await unknownUser(client.users.delete(customer.id, early.id))
    // The purged user's principal name can be used again; the deleted one's cannot yet.
    const reused = await client.users.create(customer.id, newUser(domain, { userPrincipalName: early.userPrincipalName }))
    assert.notEqual(reused.id, early.id)
    await failure(client.users.create(customer.id, newUser(domain, { userPrincipalName: late.userPrincipalName })), 'PC_CONFLICT', {
      status: 409,
      partnerCenterCode: '3000',
    })

    await advanceClock(env.emu, 10) // late: 31 days
    assert.deepEqual(await deletedIds(), [])
    await unknownUser(client.users.update(customer.id, late.id, { state: 'active' }))
    // The restored user was never purged.
    assert.deepEqual((await collect(client.users.list(customer.id))).map((u) => u.id), [saved.id, reused.id])
  })
})

describe('users.list and listPage', () => {
  test('for await follows every page in creation order; listPage gives one page and its continuation', async () => {
    const ids = []
    for (let i = 0; i < 5; i++) ids.push((await client.users.create(customer.id, newUser(domain))).id)

    assert.deepEqual((await collect(client.users.list(customer.id, { size: 2 }))).map((u) => u.id), ids)
    assert.deepEqual((await collect(client.users.list(customer.id))).map((u) => u.id), ids)

    const sizes = []
    const seen = []
    let continuationToken = null
    do {
      const page = await client.users.listPage(customer.id, { size: 2, continuationToken })
      assert.equal(page.status, 200)
      assert.equal(typeof page.requestId, 'string')
      sizes.push(page.items.length)
      seen.push(...page.items.map((u) => u.id))
      continuationToken = page.continuationToken
    } while (continuationToken !== null)
    assert.deepEqual(sizes, [2, 2, 1])
    assert.deepEqual(seen, ids)

    const all = await client.users.listPage(customer.id, { size: 0 })
    assert.equal(all.items.length, 5)
    assert.equal(all.continuationToken, null)
    const whole = await client.users.listPage(customer.id)
    assert.deepEqual(whole.items.map((u) => u.id), ids)
    assert.equal(whole.totalCount, 5)

    // Listed users carry no password, and a listing shows none.
    for (const u of whole.items) assert.equal(u.passwordProfile?.password, undefined)
  })

  test('a new customer has no users', async () => {
    const page = await client.users.listPage(customer.id)
    assert.deepEqual(page.items, [])
    assert.equal(page.continuationToken, null)
    assert.deepEqual(await collect(client.users.list(customer.id)), [])
  })

  test('the deleted filter: UserState or UserStatus, any case of Inactive; Active is the default', async () => {
    const a = await client.users.create(customer.id, newUser(domain))
    const b = await client.users.create(customer.id, newUser(domain))
    const c = await client.users.create(customer.id, newUser(domain))
    await client.users.delete(customer.id, b.id)
    await client.users.delete(customer.id, c.id)
    const ids = async (filter, size) => (await collect(client.users.list(customer.id, { filter, size }))).map((u) => u.id)
    assert.deepEqual(await ids(DELETED), [b.id, c.id])
    assert.deepEqual(await ids(DELETED, 1), [b.id, c.id])
    assert.deepEqual(await ids({ Field: 'UserStatus', Value: 'inactive', Operator: 'equals' }), [b.id, c.id])
    assert.deepEqual(await ids({ Field: 'UserState', Value: 'Active', Operator: 'equals' }), [a.id])
    assert.deepEqual(await ids(undefined), [a.id])
    for (const u of await collect(client.users.list(customer.id, { filter: DELETED }))) assert.equal(u.state, 'inactive')
  })

  test('size above 500 and a malformed filter: PC_VALIDATION before sending, 400 / 800002 from the server', async () => {
    const local = await failure(client.users.listPage(customer.id, { size: 501 }), 'PC_VALIDATION')
    assert.deepEqual(local.errors.map((e) => e.path), ['size'])
    await badInput(lax.users.listPage(customer.id, { size: 501 }))
    await failure(client.users.listPage(customer.id, { filter: { Field: 'DisplayName', Value: 'x', Operator: 'equals' } }), 'PC_VALIDATION')
    await badInput(lax.users.listPage(customer.id, { filter: { Field: 'DisplayName', Value: 'x', Operator: 'equals' } }))
  })
})

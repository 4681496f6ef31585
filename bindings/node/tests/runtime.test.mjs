// The hand-written glue on its own (no emulator): hiding secrets, paging, error conversion.

import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { test } from 'node:test'
import { inspect } from 'node:util'

const require = createRequire(import.meta.url)
const { hideSecrets, pages, call } = require('../lib/runtime.js')
const { PartnerCenterError, fromNative, CODES } = require('../lib/errors.js')

test('hideSecrets: nested, through arrays, missing paths and non-objects', () => {
  const value = {
    userCredentials: { userName: 'admin', password: 'p1' },
    items: [{ a: { secret: 's1', keep: 1 } }, { a: null }, 5, { a: { keep: 2 } }],
  }
  hideSecrets(value, ['userCredentials.password', 'items[].a.secret', 'nope.x', 'items[].missing'])
  assert.equal(value.userCredentials.password, 'p1')
  assert.equal(value.items[0].a.secret, 's1')
  assert.deepEqual(JSON.parse(JSON.stringify(value)), {
    userCredentials: { userName: 'admin' },
    items: [{ a: { keep: 1 } }, { a: null }, 5, { a: { keep: 2 } }],
  })
  assert.ok(!inspect(value, { depth: Infinity }).includes('p1'))
  assert.ok(!inspect(value, { depth: Infinity }).includes('s1'))

  const list = [{ x: 'top1' }, { x: 'top2', y: 1 }]
  hideSecrets(list, ['[].x'])
  assert.equal(list[1].x, 'top2')
  assert.equal(JSON.stringify(list), '[{},{"y":1}]')
  for (const v of [null, undefined, 3, 'text', []]) hideSecrets(v, ['a.b', '[].c'])
})

test('pages: every item, stops without a token, refuses a token seen twice', async () => {
  const book = { null: ['a', 'b'], t1: ['c'], t2: [] }
  const next = { null: 't1', t1: 't2', t2: null }
  const fetched = []
  const items = []
  for await (const x of pages(async (token) => {
    fetched.push(token)
    return { items: book[String(token)], continuationToken: next[String(token)], status: 200, requestId: 'r' }
  })) items.push(x)
  assert.deepEqual(items, ['a', 'b', 'c'])
  assert.deepEqual(fetched, [null, 't1', 't2'])

  const loop = pages(async () => ({ items: [1], continuationToken: 'same', status: 200, requestId: 'r' }))
  await assert.rejects(async () => {
    for await (const _ of loop) { /* drain */ }
  }, { code: 'PC_DECODE' })
})

test('call: a native rejection becomes a PartnerCenterError; answers are parsed', async () => {
  const native = {
    async call(operation, params, body, requestId, timeout, headers, token) {
      if (operation === 'fail') {
        throw Object.assign(new Error('boom'), { kind: 'not_found', status: 404, partnerCenterCode: '60003', requestId: 'r1' })
      }
      return {
        status: 200,
        headers: [['MS-RequestId', 'r2'], ['set-cookie', 'a'], ['Set-Cookie', 'b']],
        requestId: 'r2',
        body: JSON.stringify({ operation, params: JSON.parse(params), body, requestId, timeout, headers, token }),
      }
    },
  }
  const res = await call(native, 'op', { a: 1, skip: undefined }, { b: 2 }, { requestId: 'id', timeout: 250, headers: { X: 'y' } }, 'tok')
  assert.deepEqual(res.headers, { 'ms-requestid': 'r2', 'set-cookie': 'a, b' })
  assert.deepEqual(res.data, {
    operation: 'op', params: { a: 1 }, body: '{"b":2}', requestId: 'id', timeout: 250, headers: [['X', 'y']], token: 'tok',
  })
  const bare = await call(native, 'op', {}, undefined, undefined)
  assert.deepEqual([bare.data.body, bare.data.requestId, bare.data.timeout, bare.data.headers, bare.data.token], [null, null, null, null, null])
  await assert.rejects(call(native, 'fail', {}, undefined, {}), (err) => {
    assert.ok(err instanceof PartnerCenterError)
    assert.deepEqual([err.code, err.status, err.partnerCenterCode, err.requestId, err.message], ['PC_NOT_FOUND', 404, '60003', 'r1', 'boom'])
    return true
  })
  await assert.rejects(call(native, 'op', {}, undefined, { timeout: 'soon' }), { code: 'PC_VALIDATION' })
  await assert.rejects(call(native, 'op', {}, 10n, {}), { code: 'PC_VALIDATION' })
})

test('fromNative and the codes', () => {
  assert.equal(Object.keys(CODES).length, 18)
  // A call its signal stopped is named like fetch's AbortError, and never retryable.
  const stopped = fromNative(Object.assign(new Error('the call was aborted'), { kind: 'aborted', correlationId: 'c' }))
  assert.deepEqual([stopped.name, stopped.code, stopped.retryable, stopped.correlationId], ['AbortError', 'PC_ABORTED', false, 'c'])
  assert.ok(stopped instanceof PartnerCenterError)
  assert.equal(new PartnerCenterError({ kind: 'timeout' }).name, 'PartnerCenterError')
  assert.equal(fromNative(new TypeError('bad argument')).code, 'PC_VALIDATION')
  assert.equal(fromNative(new Error('config: unknown cloud')).code, 'PC_CONFIG')
  const e = new PartnerCenterError({ kind: 'throttled', retryAfter: 3, errors: [{ path: 'a', message: 'b' }] })
  assert.equal(fromNative(e), e)
  assert.equal(e.retryable, true)
  assert.deepEqual(e.errors, [{ path: 'a', message: 'b' }])
})

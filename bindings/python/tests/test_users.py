"""A customer's users (createUser, listUsers, getUser, updateUser, deleteUser) through the public
client, sync and asyncio, against the emulator: the 200 create, the domain and password rules,
409 / 3000 for a taken user principal name, 404 / 60002 and 404 / 60003, paging, the deleted-user
filter, soft delete and restore, the 30-day purge on the emulator's clock, and the password (a
secret) kept out of every repr and error. The contract is /work/notes/issue14-contract.md §7-11."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest

import partner_center as pc

from conftest import (
    TOKEN,
    Emulator,
    advance_clock,
    assert_api_error,
    aware,
    new_customer,
    unique_domain,
)

#: A valid password (lower, upper, digit, symbol). A secret: no repr or error may show it.
PASSWORD = "Onb0ard!Secret-93"
UNKNOWN = "6a1f3c2e-0b9d-4e7a-8c5f-2d4b6a8c0e1f"
INACTIVE = pc.UserFilter(field=pc.UserSearchField.USER_STATE, value="Inactive", operator=pc.UserFilterOperation.EQUALS)


def new_user(domain: str, name: str = "gena", password: str = PASSWORD, **extra: Any) -> pc.NewCustomerUser:
    return pc.NewCustomerUser(
        user_principal_name=f"{name}@{domain}",
        first_name=name.title(),
        last_name="Soto",
        display_name=f"{name.title()} Soto",
        usage_location="US",
        password_profile=pc.PasswordProfile(password=password, force_change_password=True),
        **extra,
    )


class Tenant:
    """A customer of the emulator and its domain."""

    def __init__(self, client: pc.Client) -> None:
        self.domain = unique_domain()
        created = client.customers.create(new_customer(self.domain))
        assert created.id is not None
        self.id = str(created.id)


@pytest.fixture
def tenant(client: pc.Client) -> Tenant:
    return Tenant(client)


# -- create ------------------------------------------------------------------------------------


def test_create_answers_200_with_the_full_user(client: pc.Client, tenant: Tenant) -> None:
    response = client.users.create_with_response(tenant.id, new_user(tenant.domain))
    assert response.status == 200  # not 201
    user = response.data
    assert isinstance(user, pc.CustomerUser)
    assert user.id is not None
    uuid.UUID(user.id)
    assert user.user_principal_name == f"gena@{tenant.domain}"
    assert (user.first_name, user.last_name, user.display_name, user.usage_location) == (
        "Gena",
        "Soto",
        "Gena Soto",
        "US",
    )
    assert user.user_domain_type == pc.UserDomainType.NONE
    assert user.state == pc.UserState.ACTIVE
    assert user.soft_deletion_time is None
    assert user.password_profile is not None
    assert user.password_profile.password == PASSWORD  # echoed, as the service does
    assert user.password_profile.force_change_password is True
    assert user.links is not None and user.links.self_ is not None
    assert user.links.self_.uri == f"/customers/{tenant.id}/users/{user.id}"
    assert user.attributes is not None and user.attributes.object_type == "CustomerUser"

    got = client.users.get(tenant.id, user.id)
    assert isinstance(got, pc.CustomerUser)
    assert (got.id, got.user_principal_name, got.state) == (user.id, user.user_principal_name, pc.UserState.ACTIVE)
    assert client.users.get(uuid.UUID(tenant.id), uuid.UUID(user.id)).id == user.id


def test_create_from_a_dict_with_wire_keys(client: pc.Client, tenant: Tenant) -> None:
    user = client.users.create(
        tenant.id,
        {  # pyright: ignore[reportArgumentType] (wire names)
            "userPrincipalName": f"Dict.User@{tenant.domain.upper()}",  # the domain matches case-insensitively
            "displayName": "Dict User",
            "passwordProfile": {"password": PASSWORD},
        },
    )
    assert user.user_principal_name == f"Dict.User@{tenant.domain.upper()}"
    assert user.usage_location is None or isinstance(user.usage_location, str)


def test_the_password_never_shows_in_a_repr(client: pc.Client, tenant: Tenant) -> None:
    body = new_user(tenant.domain)
    user = client.users.create(tenant.id, body)
    assert user.password_profile is not None and user.password_profile.password == PASSWORD
    page = client.users.list_page(tenant.id)
    reset = client.users.update(
        tenant.id, str(user.id), pc.CustomerUserUpdate(password_profile=pc.PasswordProfile(password=PASSWORD + "x"))
    )
    assert reset.password_profile is not None and reset.password_profile.password == PASSWORD + "x"
    for shown in (
        repr(body),
        repr(body.password_profile),
        repr(user),
        str(user),
        repr(user.password_profile),
        repr(page),
        repr(page.items),
        repr(reset),
        repr(client.users.create_with_response(tenant.id, new_user(tenant.domain, "other"))),
    ):
        assert PASSWORD not in shown, shown
    for shown in (repr(body), repr(user), repr(user.password_profile), repr(reset)):
        assert "password=[redacted]" in shown, shown


def test_the_password_never_shows_in_an_error(client: pc.Client, unvalidated: pc.Client, tenant: Tenant) -> None:
    client.users.create(tenant.id, new_user(tenant.domain))
    # 409: the same user principal name again, with the password in the body.
    with pytest.raises(pc.ConflictError) as conflict:
        client.users.create(tenant.id, new_user(tenant.domain))
    # 400: a password the service refuses (only lower case and digits).
    weak = "onlylower1234"
    with pytest.raises(pc.BadRequestError) as bad:
        client.users.create(tenant.id, new_user(tenant.domain, "weak", password=weak))
    # Raised before sending: too short for the spec.
    short = "Sh0rt!"
    with pytest.raises(pc.ValidationError) as invalid:
        client.users.create(tenant.id, new_user(tenant.domain, "short", password=short))
    assert [path for path, _ in invalid.value.errors] == ["passwordProfile.password"]
    # The service's own answer to a too short password.
    with pytest.raises(pc.BadRequestError) as server_short:
        unvalidated.users.create(tenant.id, new_user(tenant.domain, "short", password=short))
    for err, secret in ((conflict, PASSWORD), (bad, weak), (invalid, short), (server_short, short)):
        e = err.value
        for shown in (
            str(e),
            repr(e),
            e.message,
            str(e.description),
            repr(e.data),
            repr(e.args),
            repr(getattr(e, "errors", None)),
        ):
            assert secret not in shown, shown


# -- create: the rules -------------------------------------------------------------------------


def test_the_user_principal_name_must_be_in_a_domain_of_the_customer(client: pc.Client, tenant: Tenant) -> None:
    with pytest.raises(pc.BadRequestError) as err:
        client.users.create(tenant.id, new_user("fabrikam.onmicrosoft.com"))
    assert_api_error(err.value, 400, "800002")
    no_at: pc.NewCustomerUserDict = {"user_principal_name": "no-at-sign", "display_name": "No At", "password_profile": {"password": PASSWORD}}
    with pytest.raises(pc.BadRequestError) as err:
        client.users.create(tenant.id, no_at)
    assert_api_error(err.value, 400, "800002")
    # A domain that merely ends like the customer's is another domain.
    with pytest.raises(pc.BadRequestError) as err:
        client.users.create(tenant.id, new_user("x" + tenant.domain))
    assert_api_error(err.value, 400, "800002")


def test_a_taken_user_principal_name_is_409_3000_case_insensitively(client: pc.Client, tenant: Tenant) -> None:
    client.users.create(tenant.id, new_user(tenant.domain, "gena"))
    for upn in (f"gena@{tenant.domain}", f"GENA@{tenant.domain.upper()}"):
        body = new_user(tenant.domain)
        body.user_principal_name = upn
        with pytest.raises(pc.ConflictError) as err:
            client.users.create(tenant.id, body)
        assert_api_error(err.value, 409, "3000")
        assert "already exists" in str(err.value.description)
    # Another customer may use the same name in its own domain; the same name elsewhere is fine.
    other = Tenant(client)
    assert client.users.create(other.id, new_user(other.domain, "gena")).id


@pytest.mark.parametrize(
    "password",
    [
        "alllowercase",  # one kind of character
        "lowercase1234",  # two kinds
        "NOLOWER1234",  # two kinds
    ],
)
def test_a_weak_password_is_400_800002(client: pc.Client, tenant: Tenant, password: str) -> None:
    with pytest.raises(pc.BadRequestError) as err:
        client.users.create(tenant.id, new_user(tenant.domain, password=password))
    assert_api_error(err.value, 400, "800002")


def test_three_kinds_of_character_are_enough(client: pc.Client, tenant: Tenant) -> None:
    for i, password in enumerate(["lower1234UPPER", "lower!!!!1234", "UPPER!!!!1234", "x" * 253 + "A1!"]):
        assert client.users.create(tenant.id, new_user(tenant.domain, f"u{i}", password=password)).id


def test_the_service_checks_what_the_client_would_have_checked(unvalidated: pc.Client, tenant: Tenant) -> None:
    # (A body without a required member cannot be sent at all: the typed body needs it, with or
    # without validation, so the service's 400 for a missing member is out of the client's reach.)
    cases: list[pc.NewCustomerUserDict] = [
        {"user_principal_name": f"empty@{tenant.domain}", "display_name": "", "password_profile": {"password": PASSWORD}},
        {"user_principal_name": "ab", "display_name": "Short UPN", "password_profile": {"password": PASSWORD}},
        {"user_principal_name": f"short@{tenant.domain}", "display_name": "Short", "password_profile": {"password": "Aa1!"}},
        {
            "user_principal_name": f"long@{tenant.domain}",
            "display_name": "Long",
            "password_profile": {"password": "Aa1!" * 65},
        },
        {
            "user_principal_name": f"where@{tenant.domain}",
            "display_name": "Where",
            "usage_location": "USA",
            "password_profile": {"password": PASSWORD},
        },
    ]
    for body in cases:
        with pytest.raises(pc.BadRequestError) as err:
            unvalidated.users.create(tenant.id, body)
        assert_api_error(err.value, 400, "800002")


def test_the_client_checks_before_sending(base_url: str) -> None:
    client = pc.Client(token=TOKEN, base_url="http://127.0.0.1:1", max_retries=0)
    cid = str(uuid.uuid4())
    with pytest.raises(pc.ValidationError) as err:
        client.users.create(
            cid,
            {
                "user_principal_name": "a@b.c",
                "display_name": "x",
                "usage_location": "USA",
                "password_profile": {"password": PASSWORD},
            },
        )
    assert [p for p, _ in err.value.errors] == ["usageLocation"]
    with pytest.raises(pc.ValidationError) as err:
        client.users.list_page(cid, size=501)
    assert [p for p, _ in err.value.errors] == ["size"]
    with pytest.raises(pc.ValidationError) as err:
        client.users.get(cid, "not-a-guid")
    assert [p for p, _ in err.value.errors] == ["user-id"]
    with pytest.raises(pc.ValidationError) as err:
        client.users.update(cid, UNKNOWN, {"state": "inactive"})  # pyright: ignore[reportArgumentType] (a value the enum does not have)
    assert [p for p, _ in err.value.errors] == ["state"]


# -- not found ---------------------------------------------------------------------------------


def test_an_unknown_user_is_404_60002(client: pc.Client, tenant: Tenant) -> None:
    calls = [
        lambda: client.users.get(tenant.id, UNKNOWN),
        lambda: client.users.update(tenant.id, UNKNOWN, {"display_name": "Nobody"}),
        lambda: client.users.delete(tenant.id, UNKNOWN),
    ]
    for call in calls:
        with pytest.raises(pc.NotFoundError) as err:
            call()
        assert_api_error(err.value, 404, "60002")


def test_an_unknown_customer_is_404_60003(client: pc.Client) -> None:
    cid = str(uuid.uuid4())
    calls = [
        lambda: client.users.create(cid, new_user("contoso.onmicrosoft.com")),
        lambda: client.users.list_page(cid),
        lambda: list(client.users.list(cid)),
        lambda: client.users.get(cid, UNKNOWN),
        lambda: client.users.update(cid, UNKNOWN, {"display_name": "Nobody"}),
        lambda: client.users.delete(cid, UNKNOWN),
    ]
    for call in calls:
        with pytest.raises(pc.NotFoundError) as err:
            call()
        assert_api_error(err.value, 404, "60003")


# -- list and paging ---------------------------------------------------------------------------


def _create_users(client: pc.Client, tenant: Tenant, n: int) -> list[str]:
    ids: list[str] = []
    for i in range(n):
        user = client.users.create(tenant.id, new_user(tenant.domain, f"user{i}"))
        assert user.id is not None
        ids.append(user.id)
    return ids


def test_list_follows_every_page_in_creation_order(client: pc.Client, tenant: Tenant) -> None:
    ids = _create_users(client, tenant, 5)
    assert [u.id for u in client.users.list(tenant.id, size=2)] == ids
    assert [u.id for u in client.users.list(tenant.id)] == ids
    assert all(isinstance(u, pc.CustomerUser) for u in client.users.list(tenant.id, size=3))
    # Another customer's users are not listed.
    other = Tenant(client)
    assert list(client.users.list(other.id)) == []


def test_list_page_and_continuation_token(client: pc.Client, tenant: Tenant) -> None:
    ids = _create_users(client, tenant, 5)
    first = client.users.list_page(tenant.id, size=2)
    assert isinstance(first, pc.Page)
    assert [u.id for u in first.items] == ids[:2]
    assert first.status == 200 and first.total_count == 2
    assert first.continuation_token
    second = client.users.list_page(tenant.id, continuation_token=first.continuation_token)
    assert [u.id for u in second.items] == ids[2:4]
    third = client.users.list_page(tenant.id, continuation_token=second.continuation_token)
    assert [u.id for u in third.items] == ids[4:]
    assert third.continuation_token is None

    everything = client.users.list_page(tenant.id, size=0)
    assert [u.id for u in everything.items] == ids and everything.continuation_token is None
    assert [u.id for u in client.users.list_page(tenant.id).items] == ids  # default size 100


def test_list_errors(unvalidated: pc.Client, tenant: Tenant) -> None:
    bad_calls = [
        lambda: unvalidated.users.list_page(tenant.id, size=501),
        lambda: unvalidated.users.list_page(
            tenant.id, filter={"Field": "Bogus", "Value": "Inactive", "Operator": "equals"}  # pyright: ignore[reportArgumentType] (no such field)
        ),
        lambda: unvalidated.users.list_page(tenant.id, continuation_token="not-a-token"),
    ]
    for call in bad_calls:
        with pytest.raises(pc.BadRequestError) as err:
            call()
        assert_api_error(err.value, 400, "800002")


# -- delete, the deleted-user filter, restore, purge -------------------------------------------


def test_delete_is_a_soft_delete_listed_only_by_the_filter(client: pc.Client, tenant: Tenant) -> None:
    keep, gone = _create_users(client, tenant, 2)
    response = client.users.delete_with_response(tenant.id, gone)
    assert response.status == 204 and response.data is None
    assert client.users.delete(tenant.id, keep) is None
    keep_again = client.users.create(tenant.id, new_user(tenant.domain, "third"))
    assert client.users.update(tenant.id, keep, {"state": "active"}).state == pc.UserState.ACTIVE  # restore one
    assert keep_again.id is not None

    with pytest.raises(pc.NotFoundError) as err:
        client.users.get(tenant.id, gone)
    assert_api_error(err.value, 404, "60002")

    assert [u.id for u in client.users.list(tenant.id)] == [keep, keep_again.id]
    deleted = list(client.users.list(tenant.id, filter=INACTIVE))
    assert [u.id for u in deleted] == [gone]
    assert deleted[0].state == pc.UserState.INACTIVE
    # The older field name, any case of the value, a dict filter; Active is the default.
    filters: list[pc.UserFilterDict] = [
        {"field": "UserStatus", "value": "inactive", "operator": "equals"},
        {"field": "UserState", "value": "INACTIVE", "operator": "equals"},
    ]
    for f in filters:
        assert [u.id for u in client.users.list(tenant.id, filter=f)] == [gone]
    active: pc.UserFilterDict = {"field": "UserState", "value": "Active", "operator": "equals"}
    assert [u.id for u in client.users.list(tenant.id, filter=active)] == [keep, keep_again.id]
    page = client.users.list_page(tenant.id, size=1, filter=INACTIVE)
    assert [u.id for u in page.items] == [gone] and page.continuation_token is None

    # A deleted user cannot be deleted again or changed (other than restored).
    with pytest.raises(pc.NotFoundError) as err:
        client.users.delete(tenant.id, gone)
    assert_api_error(err.value, 404, "60002")
    with pytest.raises(pc.NotFoundError) as err:
        client.users.update(tenant.id, gone, {"display_name": "Changed"})
    assert_api_error(err.value, 404, "60002")
    # Its user principal name stays taken while it can be restored.
    with pytest.raises(pc.ConflictError) as conflict:
        client.users.create(tenant.id, new_user(tenant.domain, "user1"))
    assert_api_error(conflict.value, 409, "3000")


def test_soft_deletion_time_is_an_aware_datetime(client: pc.Client, tenant: Tenant) -> None:
    # DATES: needs `format: date-time` decoded as datetime (the dates work in generator/runtime).
    (uid,) = _create_users(client, tenant, 1)
    before = dt.datetime.now(dt.timezone.utc)
    client.users.delete(tenant.id, uid)
    (deleted,) = client.users.list(tenant.id, filter=INACTIVE)
    when = aware(deleted.soft_deletion_time)
    assert before - dt.timedelta(minutes=1) <= when <= dt.datetime.now(dt.timezone.utc) + dt.timedelta(minutes=1)


def test_restore_with_state_active(client: pc.Client, tenant: Tenant) -> None:
    (uid,) = _create_users(client, tenant, 1)
    client.users.delete(tenant.id, uid)
    restored = client.users.update(
        tenant.id, uid, pc.CustomerUserUpdate(state=pc.UserRestore.ACTIVE, display_name="Back Again")
    )
    assert isinstance(restored, pc.CustomerUser)
    assert restored.id == uid
    assert restored.state == pc.UserState.ACTIVE
    assert restored.soft_deletion_time is None
    assert restored.display_name == "Back Again"
    assert client.users.get(tenant.id, uid).display_name == "Back Again"
    assert [u.id for u in client.users.list(tenant.id)] == [uid]
    assert list(client.users.list(tenant.id, filter=INACTIVE)) == []
    # Restoring an active user changes nothing.
    assert client.users.update(tenant.id, uid, {"state": "active"}).state == pc.UserState.ACTIVE


def test_a_deleted_user_is_purged_after_30_days(client: pc.Client, tenant: Tenant, reset: Emulator) -> None:
    restorable, purged = _create_users(client, tenant, 2)
    client.users.delete(tenant.id, purged)
    advance_clock(reset, 29)
    client.users.delete(tenant.id, restorable)  # deleted 29 days after the other
    assert [u.id for u in client.users.list(tenant.id, filter=INACTIVE)] == [restorable, purged]  # creation order
    advance_clock(reset, 2)  # 31 days after the first deletion, 2 after the second
    assert [u.id for u in client.users.list(tenant.id, filter=INACTIVE)] == [restorable]
    for call in (
        lambda: client.users.get(tenant.id, purged),
        lambda: client.users.update(tenant.id, purged, {"state": "active"}),
        lambda: client.users.delete(tenant.id, purged),
    ):
        with pytest.raises(pc.NotFoundError) as err:
            call()
        assert_api_error(err.value, 404, "60002")
    # The purged user's name is free again; the other can still be restored.
    assert client.users.create(tenant.id, new_user(tenant.domain, "user1")).id not in (None, purged)
    assert client.users.update(tenant.id, restorable, {"state": "active"}).state == pc.UserState.ACTIVE


# -- update ------------------------------------------------------------------------------------


def test_update_changes_only_what_is_sent(client: pc.Client, tenant: Tenant) -> None:
    (uid,) = _create_users(client, tenant, 1)
    updated = client.users.update(tenant.id, uid, pc.CustomerUserUpdate(usage_location="CA", display_name="Renamed"))
    assert (updated.usage_location, updated.display_name, updated.first_name) == ("CA", "Renamed", "User0")
    got = client.users.get(tenant.id, uid)
    assert (got.usage_location, got.display_name, got.last_name) == ("CA", "Renamed", "Soto")

    renamed = client.users.update(tenant.id, uid, {"user_principal_name": f"new.name@{tenant.domain}"})
    assert renamed.user_principal_name == f"new.name@{tenant.domain}"

    reset_pw = client.users.update(
        tenant.id, uid, {"password_profile": {"password": "Renew456*x", "force_change_password": True}}
    )
    assert reset_pw.password_profile is not None and reset_pw.password_profile.password == "Renew456*x"


def test_update_errors(client: pc.Client, unvalidated: pc.Client, tenant: Tenant) -> None:
    first, second = _create_users(client, tenant, 2)
    with pytest.raises(pc.ConflictError) as conflict:
        client.users.update(tenant.id, second, {"user_principal_name": f"USER0@{tenant.domain}"})
    assert_api_error(conflict.value, 409, "3000")
    with pytest.raises(pc.BadRequestError) as err:
        client.users.update(tenant.id, second, {"user_principal_name": "someone@fabrikam.onmicrosoft.com"})
    assert_api_error(err.value, 400, "800002")
    with pytest.raises(pc.BadRequestError) as err:
        client.users.update(tenant.id, second, {"password_profile": {"password": "weakweakweak"}})
    assert_api_error(err.value, 400, "800002")
    # `state: inactive` is refused: deleting is how a user becomes inactive.
    with pytest.raises(pc.BadRequestError) as err:
        unvalidated.users.update(tenant.id, first, {"state": "inactive"})  # pyright: ignore[reportArgumentType] (a value the enum does not have)
    assert_api_error(err.value, 400, "800002")
    assert client.users.get(tenant.id, first).state == pc.UserState.ACTIVE


# -- asyncio -----------------------------------------------------------------------------------


async def test_async_every_user_operation(base_url: str, reset: Emulator) -> None:
    async with pc.AsyncClient(token=TOKEN, base_url=base_url) as client:
        domain = unique_domain()
        customer = await client.customers.create(new_customer(domain))
        assert customer.id is not None
        cid = customer.id
        created = await client.users.create(cid, new_user(domain, "first"))
        assert created.id is not None and created.state == pc.UserState.ACTIVE
        assert PASSWORD not in repr(created)
        second = await client.users.create_with_response(cid, new_user(domain, "second"))
        assert second.status == 200 and second.data.id is not None
        with pytest.raises(pc.ConflictError) as conflict:
            await client.users.create(cid, new_user(domain, "first"))
        assert_api_error(conflict.value, 409, "3000")
        assert PASSWORD not in str(conflict.value)

        assert [u.id async for u in client.users.list(cid, size=1)] == [created.id, second.data.id]
        page = await client.users.list_page(cid, size=1)
        assert len(page.items) == 1 and page.continuation_token
        rest = await client.users.list_page(cid, continuation_token=page.continuation_token)
        assert [u.id for u in rest.items] == [second.data.id] and rest.continuation_token is None

        got = await client.users.get(cid, created.id)
        assert got.user_principal_name == f"first@{domain}"
        updated = await client.users.update(cid, created.id, {"display_name": "First Renamed"})
        assert updated.display_name == "First Renamed"

        assert await client.users.delete(cid, created.id) is None
        with pytest.raises(pc.NotFoundError) as err:
            await client.users.get(cid, created.id)
        assert_api_error(err.value, 404, "60002")
        deleted = [u async for u in client.users.list(cid, filter=INACTIVE)]
        assert [u.id for u in deleted] == [created.id]
        restored = await client.users.update(cid, created.id, {"state": "active"})
        assert restored.state == pc.UserState.ACTIVE and restored.soft_deletion_time is None

        await client.users.delete(cid, created.id)
        advance_clock(reset, 31)
        with pytest.raises(pc.NotFoundError) as err:
            await client.users.update(cid, created.id, {"state": "active"})
        assert_api_error(err.value, 404, "60002")

        with pytest.raises(pc.NotFoundError) as err:
            await client.users.list_page(str(uuid.uuid4()))
        assert_api_error(err.value, 404, "60003")

"""The rest of the onboarding journey through the public client, sync and asyncio, against the
emulator: the partner's indirect resellers (listRelationships), a customer's licences
(listLicenses: Group1 by default, repeated licenseGroupIds), qualifications (bare arrays, InReview
until the emulator's admin call decides, 409 / 3000, GCC validation codes used up) and managed
services; App-only tokens refused (403) on every App+User-only operation of the journey, and
404 / 60003 for an unknown customer. Agreements are in test_agreements.py, users in test_users.py.
The contract is /work/notes/issue14-contract.md."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest

import partner_center as pc

from conftest import (
    RESELLER_ID,
    TOKEN,
    Emulator,
    assert_api_error,
    aware,
    customer_id,
    emulator_with,
    new_customer,
    unique_domain,
)

NEW_OPERATIONS = [
    "listRelationships",
    "listAgreementMetadata",
    "createAgreement",
    "listAgreements",
    "getAgreementDocument",
    "getDirectSignedStatus",
    "createUser",
    "listUsers",
    "getUser",
    "updateUser",
    "deleteUser",
    "listLicenses",
    "listQualifications",
    "createQualification",
    "listValidationCodes",
    "listManagedServices",
]
MCA = "117a77b0-9360-443b-8795-c6dedc750cf9"


# -- the emulator's admin calls (tests/sandbox/README.md, "Admin API") -------------------------


def seed_licenses(emu: Emulator, customer_id: str, skus: list[dict[str, Any]]) -> None:
    emu.admin("POST", f"/_sandbox/customers/{customer_id}/licenses", {"items": skus})


def decide_qualification(emu: Emulator, customer_id: str, status: str, reason: str | None = None) -> None:
    body: dict[str, Any] = {"vettingStatus": status}
    if reason is not None:
        body["vettingReason"] = reason
    emu.admin("POST", f"/_sandbox/customers/{customer_id}/qualification", body)


def set_validation_codes(emu: Emulator, codes: list[dict[str, Any]]) -> None:
    emu.admin("POST", "/_sandbox/validation-codes", {"items": codes})


def sku(name: str, group: str, total: int = 5, consumed: int = 1) -> dict[str, Any]:
    return {
        "availableUnits": total - consumed,
        "activeUnits": total,
        "consumedUnits": consumed,
        "suspendedUnits": 0,
        "totalUnits": total,
        "warningUnits": 0,
        "productSku": {
            "id": str(uuid.uuid5(uuid.NAMESPACE_URL, name)),
            "name": name,
            "skuPartNumber": name.upper().replace(" ", "_"),
            "targetType": "User",
            "licenseGroupId": group,
        },
        "servicePlans": [
            {
                "id": str(uuid.uuid5(uuid.NAMESPACE_DNS, name)),
                "displayName": f"{name} plan",
                "serviceName": "PLAN_" + name.upper().replace(" ", "_"),
                "capabilityStatus": "Enabled",
                "targetType": "User",
            }
        ],
        "capabilityStatus": "Enabled",
        "attributes": {"objectType": "SubscribedSku"},
    }


def test_every_new_operation_is_exposed_by_the_native_module() -> None:
    from partner_center import _native

    assert set(NEW_OPERATIONS) <= set(_native.OPERATIONS)


# -- listRelationships -------------------------------------------------------------------------


def test_relationships_list_the_indirect_resellers(client: pc.Client) -> None:
    resellers = client.relationships.list(pc.RelationshipQueryType.IS_INDIRECT_CLOUD_SOLUTION_PROVIDER_OF)
    assert isinstance(resellers, pc.PartnerRelationshipCollection)
    assert resellers.total_count == 1
    (first,) = resellers.items or []
    assert isinstance(first, pc.PartnerRelationship)
    assert (first.id, first.name, first.mpn_id, first.location, first.state) == (
        RESELLER_ID,
        "First Up Consultants",
        "4847383",
        "US",
        "Active",
    )
    assert first.relationship_type == pc.PartnerRelationshipType.IS_INDIRECT_CLOUD_SOLUTION_PROVIDER_OF
    assert first.attributes is not None and first.attributes.object_type == "PartnerRelationship"
    assert resellers.attributes is not None and resellers.attributes.object_type == "Collection"
    # A plain string works as well as the enum.
    assert [r.id for r in client.relationships.list("IsIndirectCloudSolutionProviderOf").items or []] == [RESELLER_ID]
    # The emulated partner is a provider: it has no indirect providers of its own.
    providers = client.relationships.list(pc.RelationshipQueryType.IS_INDIRECT_RESELLER_OF)
    assert (providers.total_count, providers.items or []) == (0, [])


def test_relationships_filter_by_name_prefix(client: pc.Client) -> None:
    kind = pc.RelationshipQueryType.IS_INDIRECT_CLOUD_SOLUTION_PROVIDER_OF
    for value in ("First", "first up", "FIRST UP CONSULTANTS"):
        found = client.relationships.list(
            kind,
            filter=pc.RelationshipFilter(
                field=pc.RelationshipSearchField.NAME, value=value, operator=pc.RelationshipFilterOperation.STARTS_WITH
            ),
        )
        assert [r.id for r in found.items or []] == [RESELLER_ID], value
    none = client.relationships.list(kind, filter={"field": "Name", "value": "Up", "operator": "starts_with"})
    assert (none.total_count, none.items or []) == (0, [])


def test_relationships_with_several_resellers() -> None:
    second = "5c8e9a71-2b3d-4e6f-8a9b-0c1d2e3f4a5b"
    with emulator_with("--resellers", f"{RESELLER_ID},{second}") as emu:
        client = pc.Client(token=TOKEN, base_url=emu.url)
        listed = client.relationships.list("IsIndirectCloudSolutionProviderOf").items or []
        assert [r.id for r in listed] == [RESELLER_ID, second]
        assert listed[0].name == "First Up Consultants"
        assert listed[1].name and listed[1].name != listed[0].name
        assert listed[1].mpn_id and listed[1].mpn_id != listed[0].mpn_id
        assert listed[1].location == "US"


def test_relationships_400_800002(unvalidated: pc.Client, base_url: str) -> None:
    # The service also takes the snake_case spelling, which the client's closed enum does not list.
    assert [r.id for r in unvalidated.relationships.list("is_indirect_cloud_solution_provider_of").items or []] == [
        RESELLER_ID
    ]
    assert [r.id for r in unvalidated.relationships.list("isindirectcloudsolutionproviderof").items or []] == [
        RESELLER_ID
    ]
    # Filters the service refuses (no such field; no such operator), which RelationshipFilterDict
    # does not describe: untyped on purpose.
    no_such_field: Any = {"Field": "MpnId", "Value": "1", "Operator": "starts_with"}
    no_such_operator: Any = {"Field": "Name", "Value": "F", "Operator": "equals"}
    bad: list[Callable[[], object]] = [
        lambda: unvalidated.relationships.list("IsSomethingElseOf"),
        lambda: unvalidated.relationships.list("IsIndirectCloudSolutionProviderOf", filter=no_such_field),
        lambda: unvalidated.relationships.list("IsIndirectCloudSolutionProviderOf", filter=no_such_operator),
    ]
    for call in bad:
        with pytest.raises(pc.BadRequestError) as err:
            call()
        assert_api_error(err.value, 400, "800002")
    client = pc.Client(token=TOKEN, base_url=base_url, max_retries=0)
    with pytest.raises(pc.ValidationError) as invalid:
        client.relationships.list("IsSomethingElseOf")
    assert [p for p, _ in invalid.value.errors] == ["relationship_type"]


# -- listManagedServices -----------------------------------------------------------------------


def test_managed_services(client: pc.Client) -> None:
    domain = unique_domain()
    created = client.customers.create(new_customer(domain))
    assert created.id is not None
    cid = str(created.id)
    services = client.customers.list_managed_services(cid)
    assert isinstance(services, pc.ManagedServiceCollection)
    assert services.total_count == 3
    assert [(s.id, s.name, s.group_name) for s in services.items] == [
        ("Exchange", "Exchange", "Office"),
        ("SharePoint", "SharePoint", "Office"),
        ("MicrosoftCommunicationsOnline", "SkypeforBusiness", "Office"),
    ]
    base = f"https://portal.office.com/Partner/BeginClientSession.aspx?CTID={cid}"
    for s in services.items:
        assert isinstance(s, pc.ManagedService)
        assert s.attributes is not None and s.attributes.object_type == "ManagedService"
        assert s.links is not None
        admin, health, ticket = s.links.admin_service, s.links.service_health, s.links.service_ticket
        assert admin is not None and health is not None and ticket is not None
        assert admin.uri == f"{base}&CSDEST={s.id}&InitialDomain={domain}&PrimaryDomain={domain}"
        assert health.uri == f"{base}&CSDEST=ServiceStatus"
        assert ticket.uri == f"{base}&CSDEST=Support"
        assert (admin.method, admin.headers) == ("GET", [])


# -- listLicenses ------------------------------------------------------------------------------


def test_licenses_are_empty_until_seeded(client: pc.Client, cid: str) -> None:
    empty = client.licenses.list(cid)
    assert isinstance(empty, pc.SubscribedSkuCollection)
    assert (empty.total_count, empty.items) == (0, [])


def test_licenses_default_to_group1_and_groups_repeat(
    client: pc.Client, unvalidated: pc.Client, reset: Emulator, cid: str
) -> None:
    seed_licenses(
        reset, cid, [sku("Enterprise Mobility E3", "group1", 5, 1), sku("Minecraft Education", "group2", 10, 0)]
    )
    default = client.licenses.list(cid)
    assert default.total_count == 1
    (ems,) = default.items
    assert isinstance(ems, pc.SubscribedSku)
    assert (ems.available_units, ems.active_units, ems.consumed_units, ems.total_units) == (4, 5, 1, 5)
    assert (ems.suspended_units, ems.warning_units, ems.capability_status) == (0, 0, "Enabled")
    assert ems.product_sku is not None
    assert (ems.product_sku.name, ems.product_sku.license_group_id, ems.product_sku.target_type) == (
        "Enterprise Mobility E3",
        "group1",
        "User",
    )
    assert ems.service_plans and isinstance(ems.service_plans[0], pc.ServicePlan)
    assert ems.service_plans[0].service_name == "PLAN_ENTERPRISE_MOBILITY_E3"
    assert ems.attributes is not None and ems.attributes.object_type == "SubscribedSku"

    def names(groups: list[pc.LicenseGroupId] | None) -> list[str | None]:
        return [
            s.product_sku.name if s.product_sku else None
            for s in client.licenses.list(cid, license_group_ids=groups).items
        ]

    assert names([pc.LicenseGroupId.GROUP1]) == ["Enterprise Mobility E3"]
    assert names([pc.LicenseGroupId.GROUP2]) == ["Minecraft Education"]
    both = names([pc.LicenseGroupId.GROUP1, pc.LicenseGroupId.GROUP2])  # licenseGroupIds=Group1&licenseGroupIds=Group2
    assert sorted(n or "" for n in both) == ["Enterprise Mobility E3", "Minecraft Education"]
    # The service matches the group case-insensitively; the client checks the spec's spelling.
    lower = unvalidated.licenses.list(cid, license_group_ids=["group2"])  # type: ignore[list-item]
    assert [s.product_sku.name if s.product_sku else None for s in lower.items] == ["Minecraft Education"]
    # Another customer's licences are its own.
    assert client.licenses.list(customer_id(client)).items == []


def test_licenses_unknown_group_is_400_800002(unvalidated: pc.Client, cid: str) -> None:
    with pytest.raises(pc.BadRequestError) as err:
        unvalidated.licenses.list(cid, license_group_ids=["Group3"])  # type: ignore[list-item]
    assert_api_error(err.value, 400, "800002")


def test_licenses_unknown_group_is_refused_before_sending(client: pc.Client, cid: str) -> None:
    with pytest.raises(pc.ValidationError) as invalid:
        client.licenses.list(cid, license_group_ids=["Group3"])  # type: ignore[list-item]
    assert [p for p, _ in invalid.value.errors] == ["licenseGroupIds[0]"]


# -- qualifications ----------------------------------------------------------------------------


def test_qualifications_are_a_bare_empty_array_at_first(client: pc.Client, cid: str) -> None:
    listed = client.qualifications.list(cid)
    assert listed == []
    assert isinstance(listed, list)
    response = client.qualifications.list_with_response(cid)
    assert response.status == 200 and response.data == []


def test_education_is_in_review_until_decided(client: pc.Client, reset: Emulator, cid: str) -> None:
    before = dt.datetime.now(dt.timezone.utc)
    response = client.qualifications.create_with_response(
        cid,
        pc.CustomerQualificationRequest(
            qualification=pc.QualificationKind.EDUCATION,
            education_segment=pc.EducationSegment.HIGHER_EDUCATION,
            website="contoso.edu",
        ),
    )
    assert response.status == 201
    created = response.data
    assert isinstance(created, pc.CustomerQualification)
    assert (created.qualification, created.vetting_status) == ("Education", pc.VettingStatus.IN_REVIEW)
    # DATES: needs `format: date-time` decoded as datetime (the dates work in generator/runtime).
    created_at = aware(created.vetting_create_date)
    assert before - dt.timedelta(minutes=1) <= created_at <= dt.datetime.now(dt.timezone.utc) + dt.timedelta(minutes=1)

    listed = client.qualifications.list(cid)
    assert isinstance(listed, list) and len(listed) == 1
    assert isinstance(listed[0], pc.CustomerQualification)
    assert listed[0].vetting_status == pc.VettingStatus.IN_REVIEW
    assert aware(listed[0].vetting_create_date) == created_at  # DATES

    # In review: nothing else may be asked for.
    with pytest.raises(pc.ConflictError) as conflict:
        client.qualifications.create(cid, {"qualification": "StateOwnedEntity"})
    assert_api_error(conflict.value, 409, "3000")

    decide_qualification(reset, cid, "Approved")
    (approved,) = client.qualifications.list(cid)
    assert approved.vetting_status == pc.VettingStatus.APPROVED
    with pytest.raises(pc.ConflictError) as conflict:
        client.qualifications.create(cid, {"qualification": "Education", "education_segment": "K12"})
    assert_api_error(conflict.value, 409, "3000")


def test_a_denied_qualification_may_be_asked_again(
    client: pc.Client, unvalidated: pc.Client, reset: Emulator, cid: str
) -> None:
    # The service matches the kind in any case (the client's closed enum only takes the canonical one).
    unvalidated.qualifications.create(cid, {"qualification": "education", "educationSegment": "k12"})  # pyright: ignore[reportArgumentType] (any case)
    decide_qualification(reset, cid, "Denied", "Not an Education Customer")
    (denied,) = client.qualifications.list(cid)
    assert denied.qualification == "Education"  # canonical spelling
    assert denied.vetting_status == pc.VettingStatus.DENIED
    assert denied.vetting_reason == "Not an Education Customer"
    again = client.qualifications.create(
        cid, pc.CustomerQualificationRequest(qualification=pc.QualificationKind.STATE_OWNED_ENTITY)
    )
    assert (again.qualification, again.vetting_status) == ("StateOwnedEntity", pc.VettingStatus.IN_REVIEW)
    assert [q.qualification for q in client.qualifications.list(cid)] == ["StateOwnedEntity"]  # the latest only


def test_qualification_400_800002(client: pc.Client, unvalidated: pc.Client, cid: str) -> None:
    cases: list[dict[str, Any]] = [
        {"qualification": "None"},
        {"qualification": "Nonprofit"},
        {"qualification": "Education"},  # no segment
        {"qualification": "Education", "educationSegment": "Kindergarten"},
        {"qualification": "GovernmentCommunityCloud"},  # no validation code
        {"qualification": "GovernmentCommunityCloud", "validationCode": "no-such-code"},
    ]
    for body in cases:
        with pytest.raises(pc.BadRequestError) as err:
            unvalidated.qualifications.create(cid, body)  # pyright: ignore[reportArgumentType] (refused values)
        assert_api_error(err.value, 400, "800002")
    # The client refuses the closed enums' other values before sending.
    with pytest.raises(pc.ValidationError) as invalid:
        client.qualifications.create(cid, {"qualification": "Nonprofit"})  # pyright: ignore[reportArgumentType] (no such kind)
    assert [p for p, _ in invalid.value.errors] == ["qualification"]
    # Without the required member the typed body cannot be sent at all, validated or not.
    with pytest.raises(pc.ValidationError) as invalid:
        unvalidated.qualifications.create(cid, {"website": "contoso.edu"})  # pyright: ignore[reportArgumentType] (no kind)
    assert [p for p, _ in invalid.value.errors] == ["qualification"]
    assert client.qualifications.list(cid) == []


def test_validation_codes_set_by_the_admin_call_and_used_up(client: pc.Client, reset: Emulator) -> None:
    assert client.qualifications.list_validation_codes() == []
    partner = "9daaeb1c-4195-4db5-9f1d-509eb70c8c2d"
    set_validation_codes(
        reset,
        [
            {
                "partnerId": partner,
                "organizationName": "Contoso, Inc.",
                "validationId": "12345",
                "maxCreates": 5,
                "remainingCreates": 2,
                "eTag": 'W/"1"',
            },
            {
                "partnerId": partner,
                "organizationName": "Contoso, Inc.",
                "validationId": "67890",
                "maxCreates": 1,
                "remainingCreates": 0,
                "eTag": 'W/"2"',
            },
        ],
    )
    codes = client.qualifications.list_validation_codes()
    assert isinstance(codes, list) and all(isinstance(c, pc.ValidationCode) for c in codes)
    assert [(c.validation_id, c.organization_name, c.max_creates, c.remaining_creates) for c in codes] == [
        ("12345", "Contoso, Inc.", 5, 2),
        ("67890", "Contoso, Inc.", 1, 0),
    ]
    assert codes[0].partner_id == partner and codes[0].e_tag == 'W/"1"'

    first, second, third = customer_id(client), customer_id(client), customer_id(client)
    gcc = client.qualifications.create(
        first,
        pc.CustomerQualificationRequest(
            qualification=pc.QualificationKind.GOVERNMENT_COMMUNITY_CLOUD, validation_code="12345"
        ),
    )
    assert (gcc.qualification, gcc.vetting_status) == ("GovernmentCommunityCloud", pc.VettingStatus.IN_REVIEW)
    assert [c.remaining_creates for c in client.qualifications.list_validation_codes()] == [1, 0]
    # The 2021 contract's ?code= works too.
    legacy = client.qualifications.create(second, {"qualification": "GovernmentCommunityCloud"}, code="12345")
    assert legacy.vetting_status == pc.VettingStatus.IN_REVIEW
    assert [c.remaining_creates for c in client.qualifications.list_validation_codes()] == [0, 0]
    # Used up.
    for code in ("12345", "67890"):
        with pytest.raises(pc.BadRequestError) as err:
            client.qualifications.create(third, {"qualification": "GovernmentCommunityCloud", "validation_code": code})
        assert_api_error(err.value, 400, "800002")
    assert client.qualifications.list(third) == []
    # Replacing the list replaces it.
    set_validation_codes(reset, [])
    assert client.qualifications.list_validation_codes() == []


# -- App-only tokens ---------------------------------------------------------------------------


@pytest.fixture
def app_only(reset: Emulator) -> Iterator[pc.Client]:
    """A client with an App-only token from the emulator's token endpoint (client credentials)."""
    client_id = f"app-{uuid.uuid4().hex[:10]}"
    reset.register_app(client_id, "Onboarding-Secret-1")
    token = reset.token(client_id, "Onboarding-Secret-1")
    with pc.Client(token=token, base_url=reset.url, max_retries=0) as c:
        yield c


def test_app_only_tokens_are_refused_by_app_user_operations(app_only: pc.Client, client: pc.Client) -> None:
    domain = unique_domain()
    created = app_only.customers.create(new_customer(domain))  # App-only may create customers
    assert created.id is not None
    cid = str(created.id)
    user = client.users.create(
        cid,
        {"user_principal_name": f"u@{domain}", "display_name": "U", "password_profile": {"password": "Onb0ard!Secret-93"}},
    )
    assert user.id is not None
    uid = user.id
    agreement: pc.AgreementDict = {
        "primary_contact": {"first_name": "A", "last_name": "B", "email": "a@b.example"},
        "template_id": MCA,
        "date_agreed": dt.datetime(2024, 3, 1, tzinfo=dt.timezone.utc),
        "type": "MicrosoftCustomerAgreement",
    }
    refused: dict[str, Callable[[], object]] = {
        "listRelationships": lambda: app_only.relationships.list("IsIndirectCloudSolutionProviderOf"),
        "listAgreementMetadata": lambda: app_only.agreements.list_metadata(agreement_type="MicrosoftCustomerAgreement"),
        "createAgreement": lambda: app_only.agreements.create(cid, agreement),
        "listAgreements": lambda: app_only.agreements.list(cid),
        "getAgreementDocument": lambda: app_only.agreements.get_document(MCA),
        "getDirectSignedStatus": lambda: app_only.agreements.get_direct_signed_status(cid),
        "createUser": lambda: app_only.users.create(
            cid,
            {
                "user_principal_name": f"v@{domain}",
                "display_name": "V",
                "password_profile": {"password": "Onb0ard!Secret-93"},
            },
        ),
        "listUsers": lambda: app_only.users.list_page(cid),
        "listUsers (every page)": lambda: list(app_only.users.list(cid)),
        "getUser": lambda: app_only.users.get(cid, uid),
        "updateUser": lambda: app_only.users.update(cid, uid, {"display_name": "X"}),
        "deleteUser": lambda: app_only.users.delete(cid, uid),
        "listLicenses": lambda: app_only.licenses.list(cid),
        "createQualification": lambda: app_only.qualifications.create(cid, {"qualification": "StateOwnedEntity"}),
        "listManagedServices": lambda: app_only.customers.list_managed_services(cid),
    }
    for name, call in refused.items():
        with pytest.raises(pc.ForbiddenError) as err:
            call()
        assert (err.value.status, err.value.code) == (403, "900150"), name
        assert "App+User" in str(err.value), (name, str(err.value))
        assert "Onb0ard!Secret-93" not in str(err.value) and "Onb0ard!Secret-93" not in repr(err.value)
    # Nothing happened.
    assert client.users.get(cid, uid).display_name == "U"
    assert client.agreements.list(cid, agreement_type="*").items == []
    assert client.qualifications.list(cid) == []
    # The two App-and-App+User operations answer.
    assert app_only.qualifications.list(cid) == []
    assert app_only.qualifications.list_validation_codes() == []


# -- unknown customer --------------------------------------------------------------------------


def test_an_unknown_customer_is_404_60003(client: pc.Client) -> None:
    unknown = str(uuid.uuid4())
    calls: dict[str, Callable[[], object]] = {
        "listLicenses": lambda: client.licenses.list(unknown),
        "listQualifications": lambda: client.qualifications.list(unknown),
        "createQualification": lambda: client.qualifications.create(unknown, {"qualification": "StateOwnedEntity"}),
        "listManagedServices": lambda: client.customers.list_managed_services(unknown),
    }
    for name, call in calls.items():
        with pytest.raises(pc.NotFoundError) as err:
            call()
        assert (err.value.status, err.value.code) == (404, "60003"), name


# -- asyncio -----------------------------------------------------------------------------------


async def test_async_relationships_licenses_qualifications_and_services(base_url: str, reset: Emulator) -> None:
    async with pc.AsyncClient(token=TOKEN, base_url=base_url) as client:
        resellers = await client.relationships.list(
            pc.RelationshipQueryType.IS_INDIRECT_CLOUD_SOLUTION_PROVIDER_OF,
            filter={"field": "Name", "value": "First", "operator": "starts_with"},
        )
        assert [r.id for r in resellers.items or []] == [RESELLER_ID]
        created = await client.customers.create(new_customer(associated_partner_id=RESELLER_ID))
        assert created.id is not None
        cid = created.id

        assert (await client.licenses.list(cid)).items == []
        seed_licenses(reset, cid, [sku("Office E3", "group1"), sku("Minecraft", "group2")])
        assert (
            len(
                (
                    await client.licenses.list(
                        cid, license_group_ids=[pc.LicenseGroupId.GROUP1, pc.LicenseGroupId.GROUP2]
                    )
                ).items
            )
            == 2
        )

        assert await client.qualifications.list(cid) == []
        q = await client.qualifications.create(cid, {"qualification": "StateOwnedEntity"})
        assert q.vetting_status == pc.VettingStatus.IN_REVIEW
        with pytest.raises(pc.ConflictError) as conflict:
            await client.qualifications.create(cid, {"qualification": "StateOwnedEntity"})
        assert_api_error(conflict.value, 409, "3000")
        decide_qualification(reset, cid, "Approved")
        assert [x.vetting_status for x in await client.qualifications.list(cid)] == [pc.VettingStatus.APPROVED]
        set_validation_codes(
            reset,
            [
                {
                    "partnerId": "p",
                    "organizationName": "o",
                    "validationId": "777",
                    "maxCreates": 1,
                    "remainingCreates": 1,
                    "eTag": "e",
                }
            ],
        )
        assert [c.validation_id for c in await client.qualifications.list_validation_codes()] == ["777"]

        services = await client.customers.list_managed_services(cid)
        assert services.total_count == 3

        with pytest.raises(pc.NotFoundError) as nf:
            await client.customers.list_managed_services(str(uuid.uuid4()))
        assert_api_error(nf.value, 404, "60003")

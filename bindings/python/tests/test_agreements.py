"""Agreements (listAgreementMetadata, createAgreement, listAgreements, getAgreementDocument,
getDirectSignedStatus) through the public client, sync and asyncio, against the emulator: the
MicrosoftCloudAgreement default of both lists, the 201 attestation, its 400 / 800002 cases and the
400 / 600061 duplicate, 404 / 60003, the document links, and the direct-signed status the emulator's
admin call flips. The contract is /work/notes/issue14-contract.md §2-6."""

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
    customer_id,
    new_customer,
)

MCA = "117a77b0-9360-443b-8795-c6dedc750cf9"
MCLOUDA = "998b88de-aa99-4388-a42c-1b3517d49490"
#: The partner user an App+User token of a foreign issuer is taken to be (contract §3).
DEFAULT_USER = "3d6f2c09-eb40-48ca-a4b3-d24c9c007531"
AGREED = dt.datetime(2024, 3, 1, 9, 30, tzinfo=dt.timezone.utc)


def set_direct_signed(emu: Emulator, customer_id: str, signed: bool) -> None:
    """The customer accepting the MCA in the admin center (tests/sandbox/README.md, admin API)."""
    emu.admin("POST", f"/_sandbox/customers/{customer_id}/direct-signed", {"isSigned": signed})


def contact(**overrides: Any) -> pc.Contact:
    fields: dict[str, Any] = {
        "first_name": "Tania",
        "last_name": "Carr",
        "email": "tania@wingtiptoys.example",
        "phone_number": "4255550101",
    }
    fields.update(overrides)
    return pc.Contact(**fields)


def attestation(template_id: str = MCA, date_agreed: Any = AGREED, **overrides: Any) -> pc.Agreement:
    return pc.Agreement(
        primary_contact=overrides.pop("primary_contact", contact()),
        template_id=template_id,
        date_agreed=date_agreed,
        type=overrides.pop("type", "MicrosoftCustomerAgreement"),
        **overrides,
    )


# -- listAgreementMetadata ---------------------------------------------------------------------


def test_list_metadata_defaults_to_the_microsoft_cloud_agreement(client: pc.Client) -> None:
    default = client.agreements.list_metadata()
    assert isinstance(default, pc.AgreementMetaDataCollection)
    assert default.total_count == 1
    (only,) = default.items
    assert isinstance(only, pc.AgreementMetaData)
    assert (only.template_id, only.agreement_type) == (MCLOUDA, "MicrosoftCloudAgreement")
    assert only.agreement_link == "https://docs.microsoft.com/partner-center/agreements"
    assert only.version_rank == 0


def test_list_metadata_for_the_customer_agreement(client: pc.Client) -> None:
    for spelling in ("MicrosoftCustomerAgreement", "microsoftcustomeragreement"):
        mca = client.agreements.list_metadata(agreement_type=spelling)
        assert [(m.template_id, m.agreement_type, m.agreement_link) for m in mca.items] == [
            (MCA, "MicrosoftCustomerAgreement", "https://aka.ms/customeragreement")
        ]
    every = client.agreements.list_metadata(agreement_type="*")
    assert every.total_count == 2
    assert {m.template_id for m in every.items} == {MCA, MCLOUDA}
    unknown = client.agreements.list_metadata(agreement_type="MicrosoftPartnerAgreement")
    assert (unknown.total_count, unknown.items) == (0, [])


# -- createAgreement ---------------------------------------------------------------------------


def test_create_answers_201_with_the_stored_attestation(client: pc.Client, cid: str) -> None:
    response = client.agreements.create_with_response(cid, attestation())
    assert response.status == 201
    stored = response.data
    assert isinstance(stored, pc.Agreement)
    assert stored.user_id == DEFAULT_USER
    assert stored.primary_contact == contact()
    assert stored.template_id == MCA
    assert stored.type == "MicrosoftCustomerAgreement"
    assert stored.agreement_link is None  # not in the 201 (the documentation's example)
    # DATES: needs `format: date-time` decoded as datetime (the dates work in generator/runtime).
    assert aware(stored.date_agreed) == AGREED


def test_create_from_a_dict_and_the_template_decides_the_type(client: pc.Client, cid: str) -> None:
    stored = client.agreements.create(
        cid,
        {  # pyright: ignore[reportArgumentType] (wire names and a date as text: what the runtime takes besides AgreementDict)
            "primaryContact": {"firstName": "Gena", "lastName": "Soto", "email": "gena@wingtiptoys.example"},
            "templateId": MCA,
            "dateAgreed": "2024-03-01T00:00:00",  # no offset: UTC
            "type": "SomethingElse",
        },
    )
    assert stored.type == "MicrosoftCustomerAgreement"
    assert stored.primary_contact.phone_number is None
    # DATES
    assert aware(stored.date_agreed) == dt.datetime(2024, 3, 1, tzinfo=dt.timezone.utc)


def test_an_offset_date_is_stored_in_utc(client: pc.Client, cid: str) -> None:
    # DATES
    berlin = dt.timezone(dt.timedelta(hours=2))
    stored = client.agreements.create(cid, attestation(date_agreed=dt.datetime(2024, 6, 1, 12, 0, tzinfo=berlin)))
    when = aware(stored.date_agreed)
    assert when == dt.datetime(2024, 6, 1, 10, 0, tzinfo=dt.timezone.utc)
    assert when.utcoffset() == dt.timedelta(0)


def test_the_same_contact_again_is_400_600061(client: pc.Client, cid: str) -> None:
    client.agreements.create(cid, attestation())
    with pytest.raises(pc.BadRequestError) as err:
        client.agreements.create(cid, attestation(date_agreed=AGREED + dt.timedelta(days=1)))
    e = err.value
    assert_api_error(e, 400, "600061")
    assert e.description == "A partner confirmed agreement already exists for the customer."
    # A different contact (any member, compared case-sensitively) is another attestation.
    client.agreements.create(cid, attestation(primary_contact=contact(phone_number="4255550102")))
    client.agreements.create(cid, attestation(primary_contact=contact(email="TANIA@wingtiptoys.example")))
    # The same contact for another customer is fine.
    client.agreements.create(customer_id(client), attestation())
    listed = client.agreements.list(cid, agreement_type="MicrosoftCustomerAgreement")
    assert listed.total_count == 3


def test_create_400_800002(client: pc.Client, unvalidated: pc.Client, cid: str) -> None:
    future = dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=1)
    cases: list[tuple[pc.Client, Any, str]] = [
        (client, attestation(template_id="00000000-0000-0000-0000-000000000000"), "Unknown agreement template"),
        (client, attestation(template_id=MCLOUDA), f"Template ID '{MCLOUDA}' is no longer supported"),
        (client, attestation(date_agreed=future), "dateAgreed"),
        (client, attestation(primary_contact=contact(email="not-an-email")), "email"),
        (client, attestation(primary_contact=contact(email="two@at@signs.example")), "email"),
        (client, attestation(primary_contact=contact(email="@wingtiptoys.example")), "email"),
        # What the client's validation would have refused, as the service refuses it.
        (unvalidated, attestation(primary_contact=contact(first_name="")), "firstName"),
        (unvalidated, attestation(primary_contact=contact(last_name="")), "lastName"),
        (unvalidated, attestation(primary_contact=contact(email="")), "email"),
        (unvalidated, attestation(template_id=""), "templateId"),
        (unvalidated, attestation(type=""), "type"),
    ]
    for c, body, mentions in cases:
        with pytest.raises(pc.BadRequestError) as err:
            c.agreements.create(cid, body)
        assert_api_error(err.value, 400, "800002")
        assert mentions.lower() in str(err.value.description).lower(), (body, err.value.description)
    assert client.agreements.list(cid, agreement_type="*").items == []


def test_create_without_a_required_member_is_refused_before_sending(unvalidated: pc.Client, cid: str) -> None:
    # The typed body needs its required members, with or without validation: the service's 400 for
    # a missing member is out of the client's reach.
    full: dict[str, Any] = {
        "primaryContact": contact().to_dict(),
        "templateId": MCA,
        "dateAgreed": "2024-03-01T00:00:00Z",
        "type": "MicrosoftCustomerAgreement",
    }
    for member in full:
        body = {k: v for k, v in full.items() if k != member}
        with pytest.raises(pc.ValidationError) as err:
            unvalidated.agreements.create(cid, body)  # pyright: ignore[reportArgumentType] (a member left out on purpose)
        assert [p for p, _ in err.value.errors] == [member]
    assert unvalidated.agreements.list(cid, agreement_type="*").items == []


def test_a_date_a_few_minutes_ahead_is_accepted_and_the_clock_counts(
    client: pc.Client, reset: Emulator, cid: str
) -> None:
    soon = dt.datetime.now(dt.timezone.utc) + dt.timedelta(minutes=2)
    client.agreements.create(cid, attestation(date_agreed=soon))
    later = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=3)
    with pytest.raises(pc.BadRequestError):
        client.agreements.create(cid, attestation(primary_contact=contact(first_name="Later"), date_agreed=later))
    advance_clock(reset, 4)  # the emulator's "now" is 4 days ahead: no longer in the future
    client.agreements.create(cid, attestation(primary_contact=contact(first_name="Later"), date_agreed=later))


# -- listAgreements ----------------------------------------------------------------------------


def test_list_defaults_to_the_cloud_agreement_and_hides_mca_attestations(client: pc.Client, cid: str) -> None:
    assert client.agreements.list(cid).items == []
    client.agreements.create(cid, attestation())
    client.agreements.create(cid, attestation(primary_contact=contact(first_name="Second")))
    default = client.agreements.list(cid)
    assert isinstance(default, pc.AgreementCollection)
    assert (default.total_count, default.items) == (0, [])
    for agreement_type in ("MicrosoftCustomerAgreement", "MICROSOFTCUSTOMERAGREEMENT", "*"):
        listed = client.agreements.list(cid, agreement_type=agreement_type)
        assert listed.total_count == 2
        assert [a.primary_contact.first_name for a in listed.items] == ["Tania", "Second"]  # creation order
        for a in listed.items:
            assert isinstance(a, pc.Agreement)
            assert (a.template_id, a.type, a.user_id) == (MCA, "MicrosoftCustomerAgreement", DEFAULT_USER)
            assert a.agreement_link == "https://aka.ms/customeragreement"
            # DATES
            assert aware(a.date_agreed) == AGREED
    assert client.agreements.list(cid, agreement_type="MicrosoftCloudAgreement").items == []
    assert client.agreements.list(cid, agreement_type="Unknown").items == []
    # Another customer's attestations are its own.
    assert client.agreements.list(customer_id(client), agreement_type="*").items == []


# -- getAgreementDocument ----------------------------------------------------------------------


def test_get_document_defaults_to_us_english(client: pc.Client) -> None:
    doc = client.agreements.get_document(MCA)
    assert isinstance(doc, pc.AgreementDocument)
    assert (doc.country, doc.language) == ("US", "en-US")
    assert doc.display_uri and doc.display_uri.startswith("https://")
    assert doc.download_uri and doc.download_uri.startswith("https://")
    again = client.agreements.get_document(MCA, language="en-US", country="US")
    assert (again.display_uri, again.download_uri) != (doc.display_uri, doc.download_uri)  # fresh links each call
    assert again.display_uri != doc.display_uri and again.download_uri != doc.download_uri


@pytest.mark.parametrize(
    ("country", "language", "expected"),
    [
        ("DE", "de-DE", "de-DE"),
        ("DE", None, "en-US"),
        ("FR", "fr-FR", "fr-FR"),
        ("CA", "fr-FR", "fr-FR"),
        ("CH", "it-IT", "it-IT"),
        ("CH", "de-DE", "de-DE"),
        ("JP", "ja-JP", "ja-JP"),
        ("US", "de-DE", "en-US"),  # a language the country does not offer falls back
        ("GB", "fr-FR", "en-US"),
        ("BR", "pt-BR", "pt-BR"),
    ],
)
def test_get_document_languages(client: pc.Client, country: str, language: str | None, expected: str) -> None:
    doc = client.agreements.get_document(MCA, language=language, country=country)
    assert (doc.country, doc.language) == (country, expected)


def test_get_document_errors(client: pc.Client, unvalidated: pc.Client) -> None:
    with pytest.raises(pc.BadRequestError) as err:
        client.agreements.get_document(MCLOUDA)
    assert_api_error(err.value, 400, "800002")
    assert "Microsoft Customer Agreement" in str(err.value.description)
    for unknown in ("00000000-0000-0000-0000-000000000000", MCA.upper()):  # template ids are case-sensitive
        with pytest.raises(pc.NotFoundError) as nf:
            client.agreements.get_document(unknown)
        assert_api_error(nf.value, 404, "1000")
    with pytest.raises(pc.ValidationError) as invalid:
        client.agreements.get_document(MCA, country="us")
    assert [p for p, _ in invalid.value.errors] == ["country"]
    for country in ("us", "USA", "U"):
        with pytest.raises(pc.BadRequestError) as err:
            unvalidated.agreements.get_document(MCA, country=country)
        assert_api_error(err.value, 400, "800002")


# -- getDirectSignedStatus ---------------------------------------------------------------------


def test_direct_signed_status_follows_the_admin_call(client: pc.Client, reset: Emulator, cid: str) -> None:
    status = client.agreements.get_direct_signed_status(cid)
    assert isinstance(status, pc.DirectSignedCustomerAgreementStatus)
    assert status.is_signed is False
    set_direct_signed(reset, cid, True)
    assert client.agreements.get_direct_signed_status(cid).is_signed is True
    other = customer_id(client)
    assert client.agreements.get_direct_signed_status(other).is_signed is False
    # Signing directly is not a partner attestation.
    assert client.agreements.list(cid, agreement_type="*").items == []
    set_direct_signed(reset, cid, False)
    assert client.agreements.get_direct_signed_status(cid).is_signed is False


# -- unknown customer --------------------------------------------------------------------------


def test_an_unknown_customer_is_404_60003(client: pc.Client) -> None:
    unknown = str(uuid.uuid4())
    for call in (
        lambda: client.agreements.create(unknown, attestation()),
        lambda: client.agreements.list(unknown),
        lambda: client.agreements.list(unknown, agreement_type="*"),
        lambda: client.agreements.get_direct_signed_status(unknown),
    ):
        with pytest.raises(pc.NotFoundError) as err:
            call()
        assert_api_error(err.value, 404, "60003")


# -- asyncio -----------------------------------------------------------------------------------


async def test_async_every_agreement_operation(base_url: str, reset: Emulator) -> None:
    async with pc.AsyncClient(token=TOKEN, base_url=base_url) as client:
        customer = await client.customers.create(new_customer())
        assert customer.id is not None
        cid = customer.id
        default = await client.agreements.list_metadata()
        assert [m.template_id for m in default.items] == [MCLOUDA]
        mca = await client.agreements.list_metadata(agreement_type="MicrosoftCustomerAgreement")
        template = mca.items[0].template_id
        assert template == MCA

        created = await client.agreements.create_with_response(cid, attestation(template_id=template))
        assert created.status == 201 and created.data.user_id == DEFAULT_USER
        with pytest.raises(pc.BadRequestError) as dup:
            await client.agreements.create(cid, attestation(template_id=template))
        assert_api_error(dup.value, 400, "600061")

        assert (await client.agreements.list(cid)).items == []
        listed = await client.agreements.list(cid, agreement_type="MicrosoftCustomerAgreement")
        assert [a.template_id for a in listed.items] == [MCA]

        doc = await client.agreements.get_document(template, country="DE", language="de-DE")
        assert (doc.country, doc.language) == ("DE", "de-DE")

        assert (await client.agreements.get_direct_signed_status(cid)).is_signed is False
        set_direct_signed(reset, cid, True)
        assert (await client.agreements.get_direct_signed_status(cid)).is_signed is True

        with pytest.raises(pc.NotFoundError) as nf:
            await client.agreements.get_direct_signed_status(str(uuid.uuid4()))
        assert_api_error(nf.value, 404, "60003")

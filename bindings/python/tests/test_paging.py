"""Paging: one page and its continuation token, or every item of every page; filters."""

from __future__ import annotations

import partner_center as pc

from conftest import TOKEN, new_customer


def _create(client: pc.Client, names: list[str]) -> list[str]:
    ids: list[str] = []
    for name in names:
        created = client.customers.create(new_customer(company_name=name))
        assert created.id is not None
        ids.append(str(created.id))
    return ids


def test_list_follows_every_page(client: pc.Client) -> None:
    ids = _create(client, [f"Company {i}" for i in range(7)])
    assert [str(c.id) for c in client.customers.list(size=3)] == ids
    assert [str(c.id) for c in client.customers.list()] == ids
    assert all(isinstance(c, pc.Customer) for c in client.customers.list(size=2))


def test_list_page_and_continuation_token(client: pc.Client) -> None:
    ids = _create(client, [f"Company {i}" for i in range(5)])
    first = client.customers.list_page(size=2)
    assert isinstance(first, pc.Page)
    assert [str(c.id) for c in first.items] == ids[:2]
    assert first.total_count == 2 and first.status == 200 and first.request_id
    assert first.continuation_token
    second = client.customers.list_page(continuation_token=first.continuation_token)
    assert [str(c.id) for c in second.items] == ids[2:4]
    third = client.customers.list_page(continuation_token=second.continuation_token)
    assert [str(c.id) for c in third.items] == ids[4:]
    assert third.continuation_token is None


def test_list_with_a_filter(client: pc.Client) -> None:
    ids = _create(client, ["Contoso A", "Fabrikam", "Contoso B", "Northwind"])
    found = client.customers.list(
        size=1,
        filter=pc.CustomerFilter(
            field=pc.CustomerSearchField.COMPANY_NAME,
            value="con",
            operator=pc.FieldFilterOperation.STARTS_WITH,
        ),
    )
    assert [str(c.id) for c in found] == [ids[0], ids[2]]
    wire_dict = client.customers.list(filter={"Field": "CompanyName", "Value": "fab", "Operator": "starts_with"})  # pyright: ignore[reportArgumentType] (wire names)
    assert [str(c.id) for c in wire_dict] == [ids[1]]


def test_list_with_a_snake_case_dict_filter(client: pc.Client) -> None:
    ids = _create(client, ["Contoso A", "Fabrikam"])
    found = client.customers.list(filter={"field": "CompanyName", "value": "fab", "operator": "starts_with"})
    assert [str(c.id) for c in found] == [ids[1]]


async def test_async_paging(base_url: str) -> None:
    async with pc.AsyncClient(token=TOKEN, base_url=base_url) as client:
        ids: list[str] = []
        for i in range(5):
            created = await client.customers.create(new_customer(company_name=f"Company {i}"))
            ids.append(str(created.id))
        assert [str(c.id) async for c in client.customers.list(size=2)] == ids
        page = await client.customers.list_page(size=3)
        assert len(page.items) == 3 and page.continuation_token
        rest = await client.customers.list_page(continuation_token=page.continuation_token)
        assert [str(c.id) for c in rest.items] == ids[3:] and rest.continuation_token is None

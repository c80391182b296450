"""The client of tests/e2e/payments.yaml, a form-encoded payments API, against a server that
reads the bracket convention: every nested value byte for byte in queries, form bodies and
multipart fields, expandable fields both ways, list pages by ``starting_after``, basic
credentials as a pair, and one idempotency key per call kept across its retries."""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import parse_qsl, unquote

import pytest
from clientgen import generate_client, import_client
from loopback import Loopback, Recorded, Reply

from generator.config import Config

SPEC = Path(__file__).with_name("payments.yaml")
UUID = re.compile(
    r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"
)


@pytest.fixture(scope="session")
def payments(tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    out = tmp_path_factory.mktemp("payments")
    return import_client(
        generate_client(SPEC, out, "payments_client"), "payments_client"
    )


@pytest.fixture(scope="session")
def payments_brackets(tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    """The same client with ``array-format: brackets`` and one parameter on ``repeat``."""
    settings = Config(
        spec=SPEC,
        array_format="brackets",
        array_formats={"listCustomers": {"expand": "repeat"}},
    )
    out = tmp_path_factory.mktemp("payments_brackets")
    package = "payments_brackets_client"
    return import_client(generate_client(SPEC, out, package, settings), package)


def read_brackets(text: str) -> dict[str, Any]:
    """What a server of the bracket convention reads from a query or form body: ``a[b]``
    nests, ``a[0]`` and ``a[]`` make lists, a repeated plain key makes a list too."""
    found: dict[str, Any] = {}
    for key, value in parse_qsl(text, keep_blank_values=True):
        _place(found, re.findall(r"^[^\[]+|(?<=\[)[^\]]*(?=\])", key), value)
    return found


def _place(holder: Any, steps: list[str], value: str) -> None:
    step, rest = steps[0], steps[1:]
    fresh: Any = [] if rest and (rest[0] == "" or rest[0].isdigit()) else {}
    if isinstance(holder, list):
        if not rest:
            holder.append(value)
            return
        if step == "" or int(step) >= len(holder):
            holder.append(fresh)
        _place(holder[-1] if step == "" else holder[int(step)], rest, value)
    elif rest:
        _place(holder.setdefault(step, fresh), rest, value)
    elif step in holder:
        previous = holder[step]
        holder[step] = (
            [*previous, value] if isinstance(previous, list) else [previous, value]
        )
    else:
        holder[step] = value


CUSTOMER = {"id": "cus_1", "object": "customer", "created": 1, "livemode": False}


def payments_server(request: Recorded) -> Reply:
    """Answers like a payments API, from what it read of the request."""
    form = read_brackets(request.body.decode()) if request.body else {}
    if request.path == "/v1/customers" and request.method == "POST":
        return Reply.json(
            {
                **CUSTOMER,
                "email": form.get("email"),
                "metadata": form.get("metadata", {}),
            }
        )
    if request.path == "/v1/subscriptions":
        customer = {**CUSTOMER} if "customer" in form.get("expand", []) else "cus_1"
        items = [
            {
                "id": f"si_{n}",
                "price": {"id": item["price"]},
                "quantity": int(item.get("quantity", 1)),
            }
            for n, item in enumerate(form["items"])
        ]
        return Reply.json(
            {
                "id": "sub_1",
                "object": "subscription",
                "customer": customer,
                "items": {
                    "object": "list",
                    "data": items,
                    "has_more": False,
                    "url": "/v1/subscription_items",
                },
                "latest_invoice": "in_1",
                "status": "active",
            }
        )
    return Reply.json({"error": {"type": "invalid_request_error"}}, status=404)


@pytest.fixture
def client(payments: ModuleType, loopback: Loopback) -> Iterator[Any]:
    loopback.always("*", "*", payments_server)
    with payments.Client(
        basic=("sk_test_123", ""), base_url=loopback.url, max_retries=0
    ) as c:
        yield c


def test_a_form_body_with_every_nesting(client: Any, loopback: Loopback) -> None:
    customer = client.customers.create_customer(
        email="ada@example.com",
        metadata={"order": "6735", "note": "a&b=c"},
        invoice_settings={
            "custom_fields": [{"name": "PO", "value": "42"}],
            "default_payment_method": "pm_1",
        },
        expand=["default_source", "invoice_settings.default_payment_method"],
        tax_id_data=[
            {"type": "eu_vat", "value": "DE123"},
            {"type": "us_ein", "value": "12-3"},
        ],
        preferred_locales=["en", "fr"],
        balance=-250,
        address={"city": "Berlin", "line1": "Street 1"},
    )
    body = loopback.last.body.decode()
    assert body == (
        "address[city]=Berlin&address[line1]=Street%201&balance=-250&email=ada%40example.com"
        "&expand[0]=default_source&expand[1]=invoice_settings.default_payment_method"
        "&invoice_settings[custom_fields][0][name]=PO&invoice_settings[custom_fields][0][value]=42"
        "&invoice_settings[default_payment_method]=pm_1"
        "&metadata[order]=6735&metadata[note]=a%26b%3Dc"
        "&preferred_locales[0]=en&preferred_locales[1]=fr"
        "&tax_id_data[0][type]=eu_vat&tax_id_data[0][value]=DE123"
        "&tax_id_data[1][type]=us_ein&tax_id_data[1][value]=12-3"
    )
    assert read_brackets(body)["tax_id_data"] == [
        {"type": "eu_vat", "value": "DE123"},
        {"type": "us_ein", "value": "12-3"},
    ]
    assert customer.metadata == {"order": "6735", "note": "a&b=c"}  # the server read it
    assert loopback.last.header("content-type") == "application/x-www-form-urlencoded"
    secret = base64.b64encode(b"sk_test_123:").decode()
    assert loopback.last.header("authorization") == f"Basic {secret}"


def test_arrays_of_objects_booleans_numbers_and_expandable_fields(
    client: Any, loopback: Loopback
) -> None:
    subscription = client.subscriptions.create_subscription(
        customer="cus_1",
        items=[
            {"price": "p_1"},
            {"price": "p_2", "quantity": 2, "metadata": {"seat": "x"}},
        ],
        cancel_at_period_end=True,
        trial_end="now",
        default_tax_rates=["txr_1"],
        expand=["customer"],
    )
    assert loopback.last.body == (
        b"cancel_at_period_end=true&customer=cus_1&default_tax_rates[0]=txr_1"
        b"&expand[0]=customer&items[0][price]=p_1"
        b"&items[1][price]=p_2&items[1][quantity]=2&items[1][metadata][seat]=x"
        b"&trial_end=now"
    )
    assert subscription.customer.id == "cus_1"  # expanded: the object
    assert subscription.latest_invoice == "in_1"  # not expanded: the id
    assert [i.quantity for i in subscription.items.data] == [1, 2]
    again = client.subscriptions.create_subscription(
        customer="cus_1", items=[{"price": "p"}]
    )
    assert again.customer == "cus_1"


def test_empty_values_unset_and_empty_lists_send_nothing(
    client: Any, loopback: Loopback
) -> None:
    loopback.reply("POST", "/v1/customers/cus_1", Reply.json(CUSTOMER))
    client.customers.update_customer(
        "cus_1", metadata={"order": "", "note": None, "kept": "1"}, description=""
    )
    assert (
        loopback.last.body
        == b"description=&metadata[order]=&metadata[note]=&metadata[kept]=1"
    )
    loopback.reply("POST", "/v1/customers", Reply.json(CUSTOMER))
    client.customers.create_customer(expand=[], metadata={}, balance=0, email="")
    assert loopback.last.body == b"balance=0&email="


def test_deep_object_queries(client: Any, loopback: Loopback) -> None:
    loopback.reply(
        "GET",
        "/v1/customers",
        Reply.json(
            {"object": "list", "data": [], "has_more": False, "url": "/v1/customers"}
        ),
    )
    client.customers.list_customers(
        created={"gte": 1700000000, "lt": 1800000000},
        expand=["data.default_source"],
        limit=3,
    )
    assert loopback.last.query == (
        "created[gte]=1700000000&created[lt]=1800000000&expand[0]=data.default_source&limit=3"
    )
    loopback.reply(
        "GET",
        "/v1/customers/cus_1",
        Reply.json(
            {
                **CUSTOMER,
                "invoice_settings": {
                    "default_payment_method": {
                        "id": "pm_1",
                        "object": "payment_method",
                        "type": "card",
                    }
                },
            }
        ),
    )
    expanded = client.customers.retrieve_customer(
        "cus_1", expand=["invoice_settings.default_payment_method"]
    )
    assert loopback.last.query == "expand[0]=invoice_settings.default_payment_method"
    assert expanded.invoice_settings.default_payment_method.type == "card"


def test_multipart_fields_in_brackets(client: Any, loopback: Loopback) -> None:
    loopback.reply(
        "POST",
        "/v1/files",
        Reply.json(
            {"id": "file_1", "object": "file", "purpose": "dispute_evidence", "size": 3}
        ),
    )
    client.files.create_file(
        file=("evidence.txt", b"abc", "text/plain"),
        purpose="dispute_evidence",
        file_link_data={
            "create": True,
            "expires_at": 1700000000,
            "metadata": {"case": "7"},
        },
    )
    parts = [(p["name"], p["filename"], p["data"]) for p in loopback.last.multipart()]
    assert parts == [
        ("file_link_data[create]", None, b"true"),
        ("file_link_data[expires_at]", None, b"1700000000"),
        ("file_link_data[metadata][case]", None, b"7"),
        ("purpose", None, b"dispute_evidence"),
        ("file", "evidence.txt", b"abc"),
    ]


def customer_pages(request: Recorded) -> Reply:
    """Five customers, two to a page, after ``starting_after``."""
    ids = [f"cus_{n}" for n in range(1, 6)]
    after = dict(parse_qsl(request.query)).get("starting_after")
    start = ids.index(after) + 1 if after else 0
    data = [{**CUSTOMER, "id": i} for i in ids[start : start + 2]]
    return Reply.json(
        {
            "object": "list",
            "data": data,
            "has_more": start + 2 < 5,
            "url": "/v1/customers",
        }
    )


def test_lists_page_by_starting_after(client: Any, loopback: Loopback) -> None:
    loopback.always("GET", "/v1/customers", customer_pages)
    ids = [
        c.id
        for c in client.customers.list_customers_iter(limit=2, expand=["data.address"])
    ]
    assert ids == ["cus_1", "cus_2", "cus_3", "cus_4", "cus_5"]
    assert [unquote(r.query) for r in loopback.requests] == [
        "expand[0]=data.address&limit=2",
        "expand[0]=data.address&limit=2&starting_after=cus_2",
        "expand[0]=data.address&limit=2&starting_after=cus_4",
    ]
    page = client.customers.list_customers_pages(limit=2)
    assert page.parsed.object == "list" and page.has_next_page()
    assert [c.id for c in page.next_page().items] == ["cus_3", "cus_4"]


def test_one_idempotency_key_per_call_kept_across_retries(
    payments: ModuleType, loopback: Loopback
) -> None:
    failing = Reply.json({"error": {"type": "api_error"}}, status=500)
    loopback.reply(
        "POST",
        "/v1/payment_intents",
        failing,
        Reply.json(
            {
                "id": "pi_1",
                "object": "payment_intent",
                "amount": 100,
                "currency": "eur",
                "status": "succeeded",
            }
        ),
    )
    loopback.always(
        "POST",
        "/v1/payment_intents",
        Reply.json(
            {
                "id": "pi_2",
                "object": "payment_intent",
                "amount": 100,
                "currency": "eur",
                "status": "succeeded",
            }
        ),
    )
    with payments.Client(bearer="sk", base_url=loopback.url, max_retries=1) as c:
        intent = c.payment_intents.create_payment_intent(
            amount=100,
            currency="eur",
            confirm=False,
            automatic_payment_methods={"enabled": True},
            payment_method_types=["card"],
        )
        c.payment_intents.create_payment_intent(amount=100, currency="eur")
        c.payment_intents.create_payment_intent(
            amount=100, currency="eur", idempotency_key="mine-1"
        )
        c.payment_intents.create_payment_intent(
            amount=1, currency="eur", extra_headers={"Idempotency-Key": "mine-2"}
        )
    assert intent.id == "pi_1"
    assert loopback.requests[0].body == (
        b"amount=100&automatic_payment_methods[enabled]=true&confirm=false&currency=eur"
        b"&payment_method_types[0]=card"
    )
    keys = [r.header("idempotency-key") for r in loopback.requests]
    assert keys[0] == keys[1] and UUID.fullmatch(keys[0] or "")  # the retry repeats it
    assert keys[2] != keys[0] and UUID.fullmatch(keys[2] or "")  # a new call, a new key
    assert keys[3:] == ["mine-1", "mine-2"]


def test_other_array_formats(payments_brackets: ModuleType, loopback: Loopback) -> None:
    loopback.always("*", "*", payments_server)
    loopback.reply(
        "GET",
        "/v1/customers",
        Reply.json({"object": "list", "data": [], "has_more": False, "url": "/"}),
    )
    loopback.reply(
        "GET",
        "/v1/invoices",
        Reply.json({"object": "list", "data": [], "has_more": False, "url": "/"}),
    )
    with payments_brackets.Client(
        bearer="sk", base_url=loopback.url, max_retries=0
    ) as c:
        c.customers.create_customer(
            expand=["a", "b"], tax_id_data=[{"type": "t", "value": "v"}]
        )
        c.customers.list_customers(expand=["a", "b"])
        c.invoices.list_invoices(expand=["a", "b"])
    created, customers, invoices = loopback.requests
    assert (
        created.body
        == b"expand[]=a&expand[]=b&tax_id_data[][type]=t&tax_id_data[][value]=v"
    )
    assert customers.query == "expand=a&expand=b"  # the per-parameter setting
    assert invoices.query == "expand[]=a&expand[]=b"  # the document-wide one

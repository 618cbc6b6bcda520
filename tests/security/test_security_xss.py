"""Cross-site scripting: whatever a requester or staff member types is shown as text, never run.

Each classic payload goes through every field people control — the requester's names, address,
description, reasons and file names; a staff member's name, messages, notes and released file
names; FAQ questions and Markdown answers — and every page and HTML email that shows them is
scanned for markup that could run script (tests/fixtures/adversarial.py). A page showing a
payload must also have exactly the elements the same page has for plain words: a payload adds
text, never an element.
"""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa

from foia_portal.extensions import db
from foia_portal.mail.models import OutboxMessage
from foia_portal.requests.models import FoiaRequest
from foia_portal.requests.uploads import check_upload
from tests.fixtures.adversarial import (
    XSS_PAYLOADS,
    executable_markup,
    page_text,
    tag_counts,
)
from tests.fixtures.staff import login

PLAIN = "Plain words"
OFFICE = "foia-office@cops.example.gov"


@pytest.fixture
def config_overrides():
    return {"FOIA_OFFICE_EMAIL": OFFICE}


def requester_fields(valid_request_fields: dict, text: str) -> dict:
    """Every free-text request field carrying `text`."""
    fields = dict(valid_request_fields)
    for name in ("first_name", "last_name", "organization", "street", "city", "state", "country"):
        fields[name] = text
    fields["description"] = f"Records about {text} kept by the grants office."
    fields.update(
        fee_waiver="y",
        fee_waiver_reason=f"Public interest: {text}",
        expedited="y",
        expedited_reason=f"Compelling need: {text}",
        expedited_certified="y",
    )
    return fields


def safe_page(response) -> str:
    """The page, after checking it answered 200 and nothing in it can run script."""
    assert response.status_code == 200, response.status_code
    page = response.get_data(as_text=True)
    assert executable_markup(page) == []
    assert "testing-secret-key" not in page  # a template expression was not evaluated
    return page


def journey(client, staff, colleague, act, officer, valid_request_fields, text) -> dict:
    """File a request with `text` everywhere, take staff actions with it, collect every page."""
    response = client.post(
        "/foia/request",
        data={
            **requester_fields(valid_request_fields, text),
            # Browsers send a quote in a file name as %22 (HTML's multipart encoding).
            "attachments": [(io.BytesIO(b"a letter"), f"{text}.txt".replace('"', "%22"))],
        },
    )
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    received_url = response.headers["Location"]
    foia_request = db.session.scalars(
        sa.select(FoiaRequest).order_by(FoiaRequest.id.desc()).limit(1)
    ).one()
    assert len(foia_request.attachments) == 1
    status_url = received_url.replace("/foia/request/received/", "/foia/status/")

    act(foia_request, "assign", officer, assignee=colleague.email)
    act(foia_request, "acknowledge", officer, track="simple", message=f"Hello {text}")
    act(foia_request, "note", officer, text=f"Internal: {text}")
    act(foia_request, "request_info", officer, message=f"Please clarify {text}")
    act(foia_request, "resume", officer, message=f"Thanks {text}")
    released = check_upload(f"{text}.txt", b"the released records")
    act(
        foia_request,
        "close",
        officer,
        disposition="full_grant",
        message=f"Final {text}",
        released=[released],
    )

    number = foia_request.tracking_number
    pages = {
        "confirmation": safe_page(client.get(received_url)),
        "status page (link)": safe_page(client.get(status_url)),
        "status page (lookup)": safe_page(
            client.post(
                "/foia/status",
                data={"tracking_number": number, "email": "ada@example.com"},
                follow_redirects=True,
            )
        ),
        "staff queue": safe_page(staff.get(f"/staff/?q={number}")),
        "staff request": safe_page(staff.get(f"/staff/requests/{number}")),
    }
    emails = db.session.scalars(
        sa.select(OutboxMessage)
        .where(OutboxMessage.request_id == foia_request.id)
        .order_by(OutboxMessage.id)
    ).all()
    for number_sent, email in enumerate(emails):
        assert email.body_html, email.kind
        assert executable_markup(email.body_html) == [], email.kind
        pages[f"email {number_sent} {email.kind}"] = email.body_html
    return pages


@pytest.fixture
def staff(app, officer):
    staff_client = app.test_client()
    assert login(staff_client, officer).status_code == 303
    return staff_client


def test_payloads_in_every_request_field_are_shown_as_text_in_pages_and_emails(
    app, client, staff, make_user, act, officer, valid_request_fields
):
    # Every colleague exists before any journey: pages listing staff have the same options.
    colleagues = {
        text: make_user(f"colleague{n}@cops.example.gov", name=text[:120])
        for n, text in enumerate([PLAIN, *XSS_PAYLOADS])
    }
    plain = journey(client, staff, colleagues[PLAIN], act, officer, valid_request_fields, PLAIN)
    for payload in XSS_PAYLOADS:
        hostile = journey(
            client, staff, colleagues[payload], act, officer, valid_request_fields, payload
        )
        assert set(hostile) == set(plain), payload
        for name, page in hostile.items():
            assert tag_counts(page) == tag_counts(plain[name]), f"{payload!r} added markup: {name}"
        # And the payload is really there, as text a person reads.
        assert payload in page_text(hostile["status page (link)"]), payload
        assert payload in page_text(hostile["staff request"]), payload


# --- FAQ: staff write Markdown; the public sees sanitised HTML ------------------------------

HOSTILE_MARKDOWN = """\
Plain **bold** text and a [good link](https://www.justice.gov/oip).

<script>alert(1)</script>

<img src=x onerror=alert(1)>

[click me](javascript:alert(1))

[encoded](&#106;avascript:alert(1))

[upper](JAVASCRIPT:alert(1))

![image](javascript:alert(1))

[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)

<a href="javascript:alert(1)" onclick="alert(1)">raw link</a>

<iframe src="https://evil.example"></iframe>

<svg onload=alert(1)></svg>

| a | b |
|---|---|
| <b onmouseover=alert(1)>x</b> | [t](vbscript:msgbox) |
"""


def test_faq_markdown_is_sanitised_everywhere_it_is_shown(app, client, staff):
    from foia_portal.faq import services

    # The editor refuses the script links, naming each (as text: the refusal page is safe too).
    refused = staff.post(
        "/staff/faqs/new",
        data={
            "category": "General",
            "question": "A hostile answer",
            "answer": HOSTILE_MARKDOWN,
            "slug": "refused-faq",
            "published": "y",
        },
    )
    assert refused.status_code == 422
    refusal = refused.get_data(as_text=True)
    assert executable_markup(refusal) == []
    for href in ("javascript:alert(1)", "JAVASCRIPT:alert(1)", "vbscript:msgbox"):
        assert f"The link to “{href}” cannot be used" in page_text(refusal), href
    assert services.get_published("refused-faq") is None

    # An answer stored without the editor (before the link rules, or by code) is still shown
    # safely: the renderer is the last line.
    response = staff.post(
        "/staff/faqs/new",
        data={
            "category": '<script>alert(1)</script>"><b>',
            "question": 'How do I <img src=x onerror=alert(1)> ask "for" records?',
            "answer": "Placeholder.",
            "slug": "hostile-faq",
            "published": "y",
        },
    )
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    services.update_faq(services.get_published("hostile-faq"), answer=HOSTILE_MARKDOWN)
    db.session.commit()

    pages = {
        "article": safe_page(client.get("/faq/hostile-faq")),
        "search": safe_page(client.get("/faq/search?q=bold+records+alert")),
        "index": safe_page(client.get("/faq")),
        "staff list": safe_page(staff.get("/staff/faqs")),
        "preview": safe_page(
            staff.post(
                "/staff/faqs/new",
                data={
                    "category": "General",
                    "question": "A preview",
                    "answer": "Plain **bold** text and a [good link](https://www.justice.gov/oip).",
                    "preview": "1",
                },
            )
        ),
    }
    article = pages["article"]
    # Markdown still works: the sanitiser keeps what is safe.
    assert "<strong>bold</strong>" in article
    assert 'href="https://www.justice.gov/oip"' in article
    assert "<strong>bold</strong>" in pages["preview"]
    # The question is text wherever it appears.
    for name in ("article", "search", "index", "staff list"):
        assert 'How do I <img src=x onerror=alert(1)> ask "for" records?' in page_text(
            pages[name]
        ), name


# Links people may write, with words and titles that try to become markup or leave the href.
LINK_MARKDOWN = """See [the <img src=x onerror=alert(1)> form](/foia/request "<script>alert(1)</script>").

Also [the status page](/foia/status"onmouseover="alert(1)), [FOIA.gov](https://www.foia.gov/),
[an <b onclick=alert(1)>email</b>](mailto:foia@cops.example.gov) and
[a phone](tel:+1-202-555-0100).
"""


def test_faq_link_syntax_makes_only_safe_anchors_with_their_own_words(client, staff):
    response = staff.post(
        "/staff/faqs/new",
        data={
            "category": "General",
            "question": "Where do I send it?",
            "answer": LINK_MARKDOWN,
            "slug": "links-faq",
            "published": "y",
        },
    )
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    article = safe_page(client.get("/faq/links-faq"))
    answer = article[article.index('<div class="faq-answer">') :]
    answer = answer[: answer.index("</div>")]
    assert tag_counts(answer)["a"] == 5
    assert tag_counts(answer)["img"] == tag_counts(answer)["b"] == 0
    assert '<a href="/foia/request" title="&lt;script&gt;alert(1)&lt;/script&gt;"' in answer
    assert 'href="/foia/status%22onmouseover=%22alert(1)"' in answer
    assert "the <img src=x onerror=alert(1)> form" in page_text(answer)
    for href in ("https://www.foia.gov/", "mailto:foia@cops.example.gov", "tel:+1-202-555-0100"):
        assert f'href="{href}"' in answer, href


def test_faq_api_answers_are_sanitised_html(client, app):
    from foia_portal.faq import services

    services.create_faq(
        category="General", question="Hostile answer", answer=HOSTILE_MARKDOWN, slug="hostile-api"
    )
    db.session.commit()
    response = client.get("/api/v1/faq/hostile-api")
    assert response.status_code == 200
    body = response.get_json()
    # `answer` is the Markdown source and `answer_text` plain text (JSON strings, never HTML);
    # `answer_html` is what a client may insert into a page as is.
    assert "<strong>bold</strong>" in body["answer_html"]
    assert executable_markup(body["answer_html"]) == []
    assert "&lt;script&gt;" in body["answer_html"]

"""The office's public pages, the health check, error pages and security headers."""

from __future__ import annotations

import re

import pytest


@pytest.mark.parametrize("path", ["/", "/foia"])
def test_public_pages_set_no_cookie(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    # Flask-Login's after-request hook asks whether the (empty) session holds its key, which
    # Flask counts as reading it: the answer says `Vary: Cookie`, and sets no cookie.
    again = client.get(path)
    assert "Set-Cookie" not in again.headers


def test_home_page_names_the_configured_agency(app, client):
    html = client.get("/").get_data(as_text=True)
    assert app.config["AGENCY_NAME"] in html
    assert "An official website of the United States government" in html
    assert 'href="#main-content"' in html


def test_foia_page_explains_the_clock_fees_and_expedited_processing(client):
    html = client.get("/foia").get_data(as_text=True)
    for phrase in ("20 business days", "fee waiver", "expedited", "/foia/request"):
        assert phrase.lower() in html.lower()


def test_healthz_reports_a_reachable_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


@pytest.fixture
def unreachable_database(config_overrides, db_dialect):
    # Port 9 (discard) on loopback: nothing listens there, so every connection is refused.
    if db_dialect == "sqlite":
        url = "sqlite:////nonexistent-folder/never/foia.db"
    else:
        url = "postgresql+psycopg://postgres@127.0.0.1:9/nothing"
    return url


def test_healthz_answers_503_when_the_database_is_unreachable(unreachable_database, tmp_path):
    from foia_portal import create_app
    from tests.conftest import make_test_config

    app = create_app(make_test_config(unreachable_database, tmp_path))
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["database"] == "unreachable"


def test_pages_needing_the_database_answer_503_in_plain_words_when_it_is_down(
    unreachable_database, tmp_path
):
    from foia_portal import create_app
    from tests.conftest import make_test_config

    app = create_app(make_test_config(unreachable_database, tmp_path))
    response = app.test_client().get("/foia/status/anything")
    assert response.status_code in {404, 503}
    response = app.test_client().post("/foia/request", data={"first_name": "A"})
    assert response.status_code in {422, 503}
    assert "Traceback" not in response.get_data(as_text=True)


def test_unknown_page_is_a_friendly_404(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "We could not find that page" in response.get_data(as_text=True)


def test_unknown_api_path_is_json(client):
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert "error" in response.get_json()


def test_security_headers_are_on_every_response(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_every_script_is_a_file_of_ours_and_the_policy_runs_nothing_else(client):
    response = client.get("/foia/request")
    html = response.get_data(as_text=True)
    assert "script-src 'self';" in response.headers["Content-Security-Policy"]
    scripts = re.findall(r"<script[^>]*>", html)
    assert scripts and all('src="/static/' in tag for tag in scripts)
    for tag in scripts:
        path = re.search(r'src="([^"]+)"', tag).group(1)
        served = client.get(path)
        assert served.status_code == 200, path
        served.close()


def test_check_status_is_in_the_main_navigation_and_marked_on_the_status_pages(client):
    home = client.get("/").get_data(as_text=True)
    nav = home.split('class="usa-nav__primary', 1)[1].split("</ul>", 1)[0]
    assert 'href="/foia/status"' in nav and "Check status" in nav
    lookup = client.get("/foia/status").get_data(as_text=True)
    current = re.search(r'<a class="usa-nav-link usa-current" href="([^"]+)"', lookup)
    assert current and current.group(1) == "/foia/status"


IMPORTANT_LINKS = ["Accessibility", "FOIA", "No FEAR Act", "Office of the Inspector General",
                   "Privacy policy", "Vulnerability disclosure"]  # fmt: skip


def footer_links(html: str) -> dict[str, str]:
    identifier = html.split('aria-label="Important links"', 1)[1].split("</nav>", 1)[0]
    return {
        label: address
        for address, label in re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', identifier)
    }


def test_every_page_carries_the_federal_footer_links(client):
    for path in ("/", "/faq", "/foia/request", "/foia/status", "/staff/login"):
        html = client.get(path).get_data(as_text=True)
        assert list(footer_links(html)) == IMPORTANT_LINKS, path
        assert footer_links(html)["FOIA"] == "/foia"
        assert 'href="https://www.usa.gov/"' in html


class TestFooterLinksFromTheConfiguration:
    @pytest.fixture
    def config_overrides(self):
        return {
            "FOOTER_LINKS": [
                ("Accessibility", "https://www.example.org/accessibility"),
                ("FOIA", None),
                ("No FEAR Act", None),
                ("Office of the Inspector General", "https://oig.example.org/"),
                ("Privacy policy", "https://www.example.org/privacy"),
                ("Vulnerability disclosure", None),
            ],
            "FOOTER_USA_GOV_URL": None,
        }

    def test_links_left_empty_are_left_out(self, client):
        html = client.get("/").get_data(as_text=True)
        assert footer_links(html) == {
            "Accessibility": "https://www.example.org/accessibility",
            "FOIA": "/foia",
            "Office of the Inspector General": "https://oig.example.org/",
            "Privacy policy": "https://www.example.org/privacy",
        }
        assert "Visit USA.gov" not in html

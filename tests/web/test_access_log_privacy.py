"""The access log shows no personal data a client writes in its request: user agent, request id and method are
masked as the path is (`*** (email)`), and a request id holding personal data is replaced by a new one, in the log
and in the answer."""

from __future__ import annotations

import json
import logging
import re

import pytest
from flask.testing import FlaskClient

UUID_HEX = re.compile(r"[0-9a-f]{32}")
AGENTS = [
    ("MonRobot/1.0 (+contact jean.dupont@exemple.fr; tel 06 12 34 56 78)", ["dupont", "06 12 34 56 78"],
     ["email", "phone"]),
    ("Mozilla/5.0 jean.dupont@exemple.fr-merci", ["dupont"], ["email"]),
    ("curl/8.5.0 0612345678", ["0612345678"], ["phone"]),
    ("robot (jean(at)exemple(dot)fr)", ["jean(at)exemple"], ["email"]),
    ("agent/2 NIR 1 84 12 76 451 089 46", ["451 089 46"], ["nir"]),
    ("agent/3 FR76 3000 6000 0112 3456 7890 189", ["3456 7890"], ["iban"]),
    ("agent/4 +33 6 12 34 56 78", ["12 34 56 78"], ["phone"]),
    ("agent/5 skype:jean.dupont", ["jean.dupont"], ["messaging"]),
    ("x" * 195 + " jean.dupont@exemple.fr", ["jean.dupont", "jean.d"], []),  # masked, then cut at 200
]
REQUEST_IDS = ["0612345678", "06.12.34.56.78", "+33612345678", "184127645108946", "FR7630006000011234567890189",
               "tel:0612345678", "jean.dupont_at_exemple_dot_fr", "skype:jean.dupont", "33-6-12-34-56-78",
               "jean.dupont@exemple.fr", "jean dupont", "06 12 34 56 78", "06-12-34-56-78",
               "FR76-3000-6000-0112-3456-7890-189", "1-84-12-76-451-089-46", "jean.dupont-at-exemple-dot-fr"]
KEPT_IDS = ["client-42", "again-1", "b3f1c2d4e5f60718293a4b5c6d7e8f90", "2024-03-01T10:00:00.123", "req:abc.def_12",
            "job-2024-000123", "SIRET-55210055400013", "123e4567-e89b-12d3-a456-426614174000",
            "01ARZ3NDEKTSV4RRFFQ69G5FAV", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "1712345678.123456"]


def access_lines(caplog: pytest.LogCaptureFixture) -> list[dict[str, object]]:
    return [json.loads(r.getMessage()) for r in caplog.records if r.name == "isic_graph.access"]


@pytest.mark.parametrize("agent, parts, kinds", AGENTS)
def test_personal_data_in_the_user_agent_is_masked_in_the_log(client: FlaskClient, caplog: pytest.LogCaptureFixture,
                                                               agent: str, parts: list[str], kinds: list[str]) -> None:
    caplog.set_level(logging.DEBUG)
    response = client.get("/healthz", headers={"User-Agent": agent})
    assert response.status_code == 200
    line = access_lines(caplog)[-1]
    shown = str(line["user_agent"])
    assert all(f"{kind}" in shown for kind in kinds) and "***" in shown, shown
    for part in parts:
        assert part not in caplog.text and part.replace(" ", "") not in caplog.text, shown


ORDINARY_AGENTS = [
    "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.1.2 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/114.0.5735.196 Mobile "
    "Safari/537.36 OPR/76.2.4027.73374",
    "Dalvik/2.1.0 (Linux; U; Android 13; SM-A536B Build/TP1A.220624.014)", "python-requests/2.31.0", "curl/8.5.0",
    "isic-graph/0.1 (+https://example.org)"]


@pytest.mark.parametrize("agent", ORDINARY_AGENTS)
def test_a_user_agent_without_personal_data_is_logged_as_sent(client: FlaskClient, caplog: pytest.LogCaptureFixture,
                                                             agent: str) -> None:
    caplog.set_level(logging.DEBUG)
    client.get("/healthz", headers={"User-Agent": agent})
    assert access_lines(caplog)[-1]["user_agent"] == agent


@pytest.mark.parametrize("sent", REQUEST_IDS)
def test_a_request_id_holding_personal_data_is_replaced_in_the_log_and_the_answer(
        client: FlaskClient, caplog: pytest.LogCaptureFixture, sent: str) -> None:
    caplog.set_level(logging.DEBUG)
    response = client.get("/healthz", headers={"X-Request-Id": sent})
    given = response.headers["X-Request-Id"]
    assert given != sent and UUID_HEX.fullmatch(given)
    line = access_lines(caplog)[-1]
    assert line["request_id"] == given
    assert sent not in caplog.text and sent not in response.get_data(as_text=True)


def test_a_refused_request_with_such_an_id_neither_logs_nor_answers_it(client: FlaskClient,
                                                                       caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    response = client.get("/id/nothing/here", headers={"X-Request-Id": "0612345678", "Accept": "application/json"})
    assert response.status_code >= 400
    assert "0612345678" not in response.get_data(as_text=True) and "0612345678" not in caplog.text
    assert "0612345678" not in response.headers.get("X-Request-Id", "")


@pytest.mark.parametrize("sent", KEPT_IDS)
def test_a_plain_request_id_is_kept_in_the_log_and_the_answer(client: FlaskClient, caplog: pytest.LogCaptureFixture,
                                                              sent: str) -> None:
    caplog.set_level(logging.DEBUG)
    response = client.get("/healthz", headers={"X-Request-Id": sent})
    assert response.headers["X-Request-Id"] == sent
    assert access_lines(caplog)[-1]["request_id"] == sent


def test_personal_data_in_the_method_is_masked_in_the_log(client: FlaskClient,
                                                          caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    client.open("/healthz", method="0612345678")
    line = access_lines(caplog)[-1]
    assert line["method"] == "*** (phone)" and "0612345678" not in caplog.text


def test_the_path_is_still_masked(client: FlaskClient, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    client.get("/id/person/jean.dupont@exemple.fr-merci", headers={"User-Agent": "agent/1"})
    line = access_lines(caplog)[-1]
    assert "*** (email)" in str(line["path"]) and "dupont" not in caplog.text

"""Spellings of personal data a hostile client may try that earlier corpora did not hold: each is found, and is
refused over HTTP (422, masked, nothing stored) rather than failing the request."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from isic_graph.privacy import personal_data
from tests.unit.test_privacy_disguises import sent_three_ways, sheet_with, token
from tests.web.test_api import dataset

__all__ = ["token"]  # the module's fixture, shared

IP_LITERAL_ADDRESSES = ["jean@[127.0.0.1]", "contact : jean.dupont@[192.0.2.10] merci", "Jean@[10.0.0.1]"]


@pytest.mark.parametrize("value", IP_LITERAL_ADDRESSES)
def test_an_address_at_an_ip_literal_is_an_email_address(value: str) -> None:
    assert [kind.code for kind in personal_data(value)] == ["email"]


@pytest.mark.parametrize("value", IP_LITERAL_ADDRESSES[:2])
def test_an_address_at_an_ip_literal_is_refused_over_http_not_a_server_error(value: str, client: FlaskClient,
                                                                             token: str) -> None:
    body = sheet_with(f'isic:trackingTool "{value}"@fr').data
    before = dataset(client)
    for answer in sent_three_ways(client, token, body):
        assert answer.status_code == 422 and answer.json is not None
        assert any(v["value"] == "*** (email)" for v in answer.json["violations"])
        assert value not in answer.get_data(as_text=True)
    assert dataset(client) == before

"""Two submissions of one network sent at the same moment, each changing one label: a small change is written as
its difference from the graph read, so the graph read and the difference written are one step for other writes;
each round ends as exactly one of the two sheets, never a mix of both, and the default graph as the named graphs."""

from __future__ import annotations

import threading
from pathlib import Path

from flask import Flask

from isic_graph.admin.credentials import CredentialStore
from tests.conftest import bearer

NETWORK = Path(__file__).resolve().parents[2] / "samples" / "fcsf" / "network.ttl"
LABEL = '"Fédération des centres sociaux et socioculturels de France"@fr'
SUBJECT = "<http://localhost:5000/id/network/fcsf>"
ROUNDS = 8


def labels(app: Flask, where: str) -> set[str]:
    query = f"SELECT ?l WHERE {{ {where} }}"
    response = app.test_client().post("/sparql", data={"query": query},
                                      headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 200, response.get_data(as_text=True)
    return {b["l"]["value"] for b in response.get_json()["results"]["bindings"]
            if b["l"].get("xml:lang") == "fr"}


def test_simultaneous_one_label_changes_end_as_one_of_them(app: Flask, credentials: CredentialStore) -> None:
    token = credentials.add("fcsf", "fcsf")
    text = NETWORK.read_text(encoding="utf-8")
    assert LABEL in text
    for round_ in range(ROUNDS):
        names = [f"Fédération, version {round_}{side}" for side in "ab"]
        start, answers = threading.Barrier(2), [0, 0]

        def send(side: int) -> None:
            client = app.test_client()
            client.environ_base["REMOTE_ADDR"] = f"127.0.0.{side + 2}"
            body = text.replace(LABEL, f'"{names[side]}"@fr').encode()
            start.wait()
            answers[side] = client.post("/api/networks/fcsf/sheets?mode=upsert", data=body,
                                        headers={**bearer(token), "Content-Type": "text/turtle"}).status_code

        threads = [threading.Thread(target=send, args=(side,)) for side in (0, 1)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        assert answers == [200, 200], answers
        stated = labels(app, f"GRAPH <http://localhost:5000/graph/network/fcsf> {{ {SUBJECT} "
                             "<http://www.w3.org/2000/01/rdf-schema#label> ?l }")
        assert len(stated) == 1 and stated <= set(names), f"round {round_}: {stated}"
        assert labels(app, f"{SUBJECT} <http://www.w3.org/2000/01/rdf-schema#label> ?l") == stated

"""Query texts and the base IRI that the web, live and bench tests share."""

from __future__ import annotations

BASE = "http://localhost:5000/"
COUNT_LESSONS = "SELECT (COUNT(?l) AS ?n) WHERE { ?l a <https://w3id.org/isic/ontology#Lesson> }"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"

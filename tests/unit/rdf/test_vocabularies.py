"""A vocabulary's term is recognised in any spelling, and has one spelling; a host that is none is told apart."""

from __future__ import annotations

import pytest

from isic_graph.rdf.iris import host_problem
from isic_graph.rdf.vocabularies import canonical, is_vocabulary_term

OWL_SAME_AS = "http://www.w3.org/2002/07/owl#sameAs"


@pytest.mark.parametrize("spelling", ["HTTP://WWW.W3.ORG/2002/07/owl#sameAs", "https://www.w3.org/2002/07/owl#sameAs",
                                      "http://www.w3.org/2002/07/owl#%73ameAs", "http://w3.org/2002/07/owl#sameAs",
                                      "http://www.w3.org./2002/07/owl#sameAs", "http://www.w3.org:80/2002/07/owl#sameAs",
                                      "https://www.w3.org:443/2002/07/owl#sameAs", "http://user@www.w3.org/2002/07/owl#sameAs",
                                      "http://%77ww.w3.org/2002/07/owl#sameAs", "http://www.w3.org//2002/07/owl#sameAs",
                                      "http://www.w3.org/2002/07/./owl#sameAs", "http://www.w3.org/2002/07/OWL#sameAs",
                                      "http://\uff57\uff57\uff57.w3.org/2002/07/owl#sameAs"])
def test_a_look_alike_of_a_term_has_the_terms_one_spelling(spelling: str) -> None:
    assert is_vocabulary_term(spelling) and canonical(spelling) == OWL_SAME_AS


@pytest.mark.parametrize("spelling,one", [("http://schema.org/Project", "https://schema.org/Project"),
                                          ("http://w3id.org/isic/ontology#describes",
                                           "https://w3id.org/isic/ontology#describes"),
                                          ("https://xmlns.com/foaf/0.1/Person", "http://xmlns.com/foaf/0.1/Person"),
                                          ("https://purl.org/dc/terms/title/", "http://purl.org/dc/terms/title")])
def test_each_vocabulary_keeps_its_own_scheme(spelling: str, one: str) -> None:
    assert canonical(spelling) == one and canonical(one) is None


@pytest.mark.parametrize("iri", ["http://www.wikidata.org/entity/Q90", "http://localhost:5000/id/project/x",
                                 "https://w3id.org/other/x", "https://w3id.org/isicx/y", "https://org.example.fr/"])
def test_other_iris_are_no_vocabularys_terms(iri: str) -> None:
    assert not is_vocabulary_term(iri) and canonical(iri) is None


@pytest.mark.parametrize("iri", ["http://xn--localhost-:5000/id/x", "http://a..b/", "http:///x", "http://.a/",
                                 "http://xn--/", "http://xn--zz-zz.fr/", "http://ex!ample.org/", "http://%78n--a-/"])
def test_a_host_that_is_none_is_told_apart(iri: str) -> None:
    problem = host_problem(iri)
    assert problem is not None and "host" in problem[0] and "hôte" in problem[1]


@pytest.mark.parametrize("iri", ["http://localhost:5000/", "https://exämple.fr/", "http://[::1]/", "http://my_host/",
                                 "http://xn--exmple-cua.fr/", "http://a.b./", "urn:x:y", "ni:///sha-256;abc",
                                 "http://127.0.0.1:9/", "http://\uff4cocalhost/"])
def test_a_host_name_or_address_is_taken(iri: str) -> None:
    assert host_problem(iri) is None

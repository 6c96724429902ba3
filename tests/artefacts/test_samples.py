"""The sample collection sheets (samples/) are rich enough to exercise the competency questions."""

from __future__ import annotations

import re

from rdflib import OWL, RDF, Graph

from tests.support import paths

SAMPLES = paths.ROOT / "samples"
THESAURUS = "https://w3id.org/isic/thesaurus/"
PREFIXES = """
PREFIX isic: <https://w3id.org/isic/ontology#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX prov: <http://www.w3.org/ns/prov#>
"""

LESSON_CATEGORIES = {"obstacle", "workaround", "method-milestone", "tracking-tool", "relation", "professional-practice",
                     "ethics", "nature-of-action", "risk", "good-practice", "tip"}
PHASES = {"exploration", "start-up", "construction", "action", "evaluation", "restitution"}
DIMENSIONS = {"exploration", "action", "partnership", "methodology"}


def select(store, query: str):
    return store.select(PREFIXES + query)


def column(result, var: str) -> list[str]:
    return [row[var].value for row in result.rows if var in row]


def codes(iris: list[str], scheme: str) -> set[str]:
    prefix = f"{THESAURUS}{scheme}/"
    return {iri[len(prefix):] for iri in iris if iri.startswith(prefix)}


# ---------------------------------------------------------------- files

def test_sample_files_layout():
    turtle_networks = sorted(p for p in SAMPLES.iterdir() if p.is_dir() and any(p.glob("*.ttl")))
    assert len(turtle_networks) >= 2
    networks = turtle_networks
    for directory in networks:
        names = {p.name for p in directory.glob("*.ttl")}
        assert {"network.ttl", "actors.ttl"} <= names, directory.name
        assert len(names) >= 4, f"{directory.name}: expected at least two collection sheets"


def test_sample_instance_iris_are_relative():
    for path in SAMPLES.glob("*/*.ttl"):
        text = path.read_text(encoding="utf-8")
        assert "@base" not in text and "BASE " not in text, path.name
        assert "localhost" not in text, path.name
        assert re.search(r"<id/[a-z-]+/[a-z0-9-]+>", text), path.name


# ---------------------------------------------------------------- content

def test_at_least_two_networks_publish_sheets(sample_store):
    result = select(sample_store, """
        SELECT DISTINCT ?network WHERE {
          ?network a isic:Network .
          ?sheet a isic:CollectionSheet ; prov:wasAttributedTo ?network .
        }""")
    assert len(set(column(result, "network"))) >= 2


def test_projects_and_their_titles(sample_store):
    result = select(sample_store, """
        SELECT DISTINCT ?project ?title WHERE {
          ?project a isic:Project ; dcterms:title ?title .
          FILTER(langMatches(lang(?title), "fr"))
        }""")
    projects = set(column(result, "project"))
    titles = column(result, "title")
    assert len(projects) >= 6
    assert any("Incompris" in t for t in titles)
    assert any("vacances" in t for t in titles)


def test_every_project_is_described_by_exactly_one_sheet(sample_store):
    result = select(sample_store, """
        SELECT ?project (COUNT(DISTINCT ?sheet) AS ?sheets) WHERE {
          ?project a isic:Project .
          OPTIONAL { ?sheet isic:describes ?project }
        } GROUP BY ?project""")
    assert result.rows
    assert {int(row["sheets"].value) for row in result.rows} == {1}


def test_lessons_cover_all_categories_phases_and_dimensions(sample_store):
    lessons = select(sample_store, "SELECT DISTINCT ?lesson WHERE { ?lesson a isic:Lesson }")
    assert len(set(column(lessons, "lesson"))) >= 20
    result = select(sample_store, """
        SELECT DISTINCT ?category ?phase ?dimension WHERE {
          ?lesson a isic:Lesson ; isic:lessonCategory ?category .
          OPTIONAL { ?lesson isic:phase ?phase }
          OPTIONAL { ?lesson isic:dimension ?dimension }
        }""")
    assert codes(column(result, "category"), "lesson-category") == LESSON_CATEGORIES
    assert codes(column(result, "phase"), "phase") == PHASES
    assert codes(column(result, "dimension"), "dimension") == DIMENSIONS


def test_projects_with_and_without_individual_genesis(sample_store):
    result = select(sample_store, """
        SELECT ?flag (COUNT(DISTINCT ?project) AS ?n) WHERE {
          ?project isic:emergedFromIndividualSituations ?flag .
        } GROUP BY ?flag""")
    counts = {row["flag"].value: int(row["n"].value) for row in result.rows}
    assert counts.get("true", 0) >= 2
    assert counts.get("false", 0) >= 1


def test_co_financing_by_at_least_two_funders_in_three_projects(sample_store):
    result = select(sample_store, """
        SELECT ?project WHERE { ?project isic:funding/isic:funder ?funder }
        GROUP BY ?project HAVING (COUNT(DISTINCT ?funder) >= 2)""")
    assert len(result.rows) >= 3


def test_partnerships_have_two_partners_and_both_timings(sample_store):
    result = select(sample_store, """
        SELECT ?partnership (COUNT(DISTINCT ?partner) AS ?n) (SAMPLE(?before) AS ?upstream) WHERE {
          ?partnership a isic:Partnership ; isic:partner ?partner .
          OPTIONAL { ?partnership isic:establishedBeforeProject ?before }
        } GROUP BY ?partnership""")
    assert all(int(row["n"].value) >= 2 for row in result.rows)
    assert {row["upstream"].value for row in result.rows if "upstream" in row} == {"true", "false"}


def test_user_groups_carry_no_personal_data(sample_store):
    allowed = {
        "http://www.w3.org/1999/02/22-rdf-syntax-ns#type",
        "http://www.w3.org/2000/01/rdf-schema#label",
        "https://w3id.org/isic/ontology#groupSize",
        "https://w3id.org/isic/ontology#public",
    }
    result = select(sample_store, "SELECT DISTINCT ?p WHERE { ?group a isic:UserGroup ; ?p ?o }")
    assert set(column(result, "p")) <= allowed
    people = select(sample_store, """
        SELECT ?person WHERE { ?person a <http://xmlns.com/foaf/0.1/Person> }""")
    assert not people.rows


def test_territories_have_insee_codes_and_nest(sample_store):
    result = select(sample_store, """
        SELECT DISTINCT ?territory ?code WHERE { ?territory a isic:Territory ; isic:inseeCode ?code }""")
    for row in result.rows:
        assert re.fullmatch(r"[0-9]{5}|2[AB][0-9]{3}|[0-9]{2}|2[AB]|97[1-6]", row["code"].value)
        assert re.search(r"/id/territory/(commune|departement|region)/" + row["code"].value + "$",
                         row["territory"].value)
    communes = select(sample_store, """
        SELECT DISTINCT ?commune WHERE {
          GRAPH ?g { ?commune isic:inseeCode ?code }
          FILTER(STRLEN(?code) = 5 && (STRENDS(STR(?g), "/graph/network/anas") || STRENDS(STR(?g), \
"/graph/network/fcsf")))
          FILTER NOT EXISTS { ?commune isic:within/isic:within ?region }
        }""")
    assert not communes.rows, "every commune of the Turtle samples lies within a département within a région"


def test_whole_sample_dataset_conforms_in_an_independent_shacl_engine(sample_store, tmp_path):
    """rudof (Rust) validates the union of every sample network, as stored, with the vocabulary."""
    import pyrudof
    from pyoxigraph import RdfFormat

    from isic_graph.rdf import resources

    data = tmp_path / "samples.nt"
    data.write_bytes(sample_store.dump(RdfFormat.N_TRIPLES))
    rudof = pyrudof.Rudof(pyrudof.RudofConfig())
    rudof.read_data(str(data), reader_mode=pyrudof.ReaderMode.Strict)
    for path in [resources.ontology_file(), *resources.thesaurus_files()]:
        rudof.read_data(str(path), merge=True)
    for path in resources.shapes_files():
        rudof.read_shacl(str(path))
    report = rudof.validate_shacl()
    problems = [(str(v.focus_node), str(v.path)) for v in report]
    assert report.conforms and not problems, problems
    assert "id/lesson/cdp-elus-invites" in data.read_text()  # the CSV network is in it


# ---------------------------------------------------------------- second edition

ISIC = "https://w3id.org/isic/ontology#"
SECOND_EDITION_MARK = "# 8. Second edition: what the article says matters"


def second_edition_terms() -> set[str]:
    """The classes and properties declared in the ontology's second-edition section."""
    text = (paths.ROOT / "ontology" / "isic.ttl").read_text(encoding="utf-8")
    section = text.split(SECOND_EDITION_MARK, 1)[1]
    graph = Graph().parse(data=text, format="turtle")
    names = set(re.findall(r"^isic:(\w+)\n", section, re.M))
    declared = {str(s) for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
                for s in graph.subjects(RDF.type, kind)}
    terms = {ISIC + n for n in names}
    assert terms <= declared and len(terms) > 50
    return terms


def test_every_class_and_property_of_the_second_edition_is_used_by_the_samples(sample_store):
    used = {row["t"].value for row in select(sample_store, """
        SELECT DISTINCT ?t WHERE { { ?s ?t ?o } UNION { ?s a ?t } FILTER(STRSTARTS(STR(?t), STR(isic:))) }""").rows}
    missing = sorted(t.removeprefix(ISIC) for t in second_edition_terms() - used)
    assert not missing, missing


def test_no_deprecated_property_is_written_by_the_samples(sample_store):
    for name in ("member", "transferableTo"):
        assert not select(sample_store, f"SELECT ?s WHERE {{ ?s isic:{name} ?o }} LIMIT 1").rows, name


def test_every_sample_sheet_and_network_says_in_its_data_that_it_is_an_example(sample_store):
    sheets = select(sample_store, """
        SELECT ?sheet (SAMPLE(?note) AS ?n) WHERE {
          ?sheet a isic:CollectionSheet . OPTIONAL { ?sheet dcterms:description ?note FILTER(lang(?note) = "fr") }
        } GROUP BY ?sheet""").rows
    assert len(sheets) >= 11
    for row in sheets:
        assert "n" in row and "fictive" in row["n"].value, row["sheet"].value
    for network in ("anas", "fcsf"):
        notes = column(select(sample_store, f"""
            SELECT ?d WHERE {{ ?n a isic:Network ; dcterms:description ?d FILTER(STRENDS(STR(?n), "/{network}")) }}"""),
            "d")
        assert any("fictif" in d for d in notes), network
    sources = column(select(sample_store, "SELECT ?s WHERE { ?sheet dcterms:source ?s }"), "s")
    assert any("Revue française de service social, n° 259" in s for s in sources)


def test_anas_has_individual_professionals_as_members_not_local_authorities(sample_store):
    members = column(select(sample_store, """
        SELECT ?m WHERE { ?n isic:networkMember ?m FILTER(STRENDS(STR(?n), "/network/anas")) }"""), "m")
    assert members and all("/id/role/" in m for m in members)
    assert not select(sample_store, """
        SELECT ?m WHERE { ?n isic:member ?m FILTER(STRENDS(STR(?n), "/network/anas")) }""").rows


def test_no_anachronism_in_les_incompris(sample_store):
    labels = column(select(sample_store, """
        SELECT ?label WHERE { <http://localhost:5000/id/project/les-incompris> isic:carriedBy/rdfs:label ?label }"""),
        "label")
    assert labels and not any("départemental" in label for label in labels)
    regions = column(select(sample_store, """
        SELECT ?label WHERE { <http://localhost:5000/id/project/les-incompris> isic:territory/isic:within+ ?r .
                              ?r isic:territoryLevel <https://w3id.org/isic/thesaurus/territory-level/region> ;
                                 rdfs:label ?label }"""), "label")
    assert regions == ["Midi-Pyrénées"]


def test_metropoles_are_epcis_with_their_siren_and_rennes_north_a_neighbourhood(sample_store):
    rows = select(sample_store, """
        SELECT ?org ?siren WHERE { ?org isic:territory ?t . ?t isic:siren ?siren ;
            isic:territoryLevel <https://w3id.org/isic/thesaurus/territory-level/intercommunality> }""").rows
    found = {row["org"].value.rsplit("/", 1)[1]: row["siren"].value for row in rows}
    assert found == {"metropole-europeenne-de-lille": "200093201", "grenoble-alpes-metropole": "200040715"}
    assert select(sample_store, """
        SELECT ?t WHERE { <http://localhost:5000/id/project/sejour-vacances-familles> isic:territory ?t .
            ?t isic:territoryLevel <https://w3id.org/isic/thesaurus/territory-level/neighbourhood> }""").rows


def test_the_csv_network_gives_user_groups_roles_and_a_committee(sample_store):
    for cls in ("UserGroup", "ProfessionalRole", "SteeringCommittee", "Participation"):
        rows = select(sample_store, f"""
            SELECT ?x WHERE {{ GRAPH ?g {{ ?x a isic:{cls} }}
                               FILTER(STRENDS(STR(?g), "/network/action-sociale-35")) }}""").rows
        assert rows, cls

"""The competency queries (queries/*.rq) give the expected answers on the sample data.

Every test runs a query file against the ``sample_store`` fixture (ontology, thesauri and
all sample collection sheets loaded, named graphs queried as their union) and checks
actual values of the answer, not only that it is non-empty.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from tests.support import paths

QUERIES = paths.ROOT / "queries"
BASE = "http://localhost:5000/"
THESAURUS = "https://w3id.org/isic/thesaurus/"

QUERY_FILES = [
    "cq01-recurring-obstacles.rq",
    "cq02-elected-officials-good-practices.rq",
    "cq03-projects-from-individual-situations.rq",
    "cq04-steering-committees.rq",
    "cq05-co-financing.rq",
    "cq06-lessons-by-partnership-phase.rq",
    "cq07-multi-partner-meeting-resources.rq",
    "cq08-transferable-lessons.rq",
    "cq09-cross-network-confirmations.rq",
    "cq10-coverage-gaps.rq",
    "cq11-lessons-about-an-organisation.rq",
    "cq12-users-in-governance.rq",
    "cq13-effects-and-evaluations.rq",
    "cq14-social-worker-practice-lessons.rq",
    "cq15-co-financing-lessons.rq",
    "cq16-actual-transfer.rq",
    "cq17-social-workers-functions-stances.rq",
    "cq18-intercommunalities-and-neighbourhoods.rq",
    "cq19-resources-besides-grants.rq",
    "cq20-timeline-and-partners-arrival.rq",
    "cq21-networks-and-their-members.rq",
    "cq22-how-projects-start-and-take-shape.rq",
]


def run(store, name: str):
    return store.select((QUERIES / name).read_text(encoding="utf-8"))


def inst(kind: str, slug: str) -> str:
    return f"{BASE}id/{kind}/{slug}"


def concept(scheme: str, code: str) -> str:
    return f"{THESAURUS}{scheme}/{code}"


def value(row: dict, var: str) -> str | None:
    term = row.get(var)
    return None if term is None else term.value


ANAS, FCSF = inst("network", "anas"), inst("network", "fcsf")
TURTLE_NETWORKS = {ANAS, FCSF}


def ours(rows, var: str = "network") -> list[dict]:
    """The rows about the anas and fcsf sample networks (other sample networks may add rows)."""
    return [r for r in rows if value(r, var) in TURTLE_NETWORKS]


# ---------------------------------------------------------------- all queries

def test_the_competency_queries_exist():
    assert sorted(p.name for p in QUERIES.glob("cq*.rq")) == QUERY_FILES


@pytest.mark.parametrize("name", QUERY_FILES)
def test_query_header(name):
    lines = (QUERIES / name).read_text(encoding="utf-8").splitlines()
    assert re.match(r"^# title: \S.*\?$", lines[0]), lines[0]
    assert re.match(r"^# titre: \S.*\?$", lines[1]), lines[1]
    assert re.match(r"^# description: \S", lines[2]), lines[2]
    assert any(line.startswith("PREFIX isic: <https://w3id.org/isic/ontology#>") for line in lines)
    assert "GRAPH" not in (QUERIES / name).read_text(encoding="utf-8")


@pytest.mark.parametrize("name", QUERY_FILES)
def test_query_answers_on_samples(sample_store, name):
    result = run(sample_store, name)
    assert result.variables
    assert result.rows, f"{name} returned no rows on the sample data"


# ---------------------------------------------------------------- CQ1

def test_cq01_obstacles_only_on_themes_shared_by_two_networks(sample_store):
    rows = run(sample_store, "cq01-recurring-obstacles.rq").rows
    # independent computation: obstacle themes with their networks
    raw = sample_store.select("""
        PREFIX isic: <https://w3id.org/isic/ontology#>
        PREFIX prov: <http://www.w3.org/ns/prov#>
        SELECT DISTINCT ?theme ?network WHERE {
          ?obstacle isic:lessonCategory <https://w3id.org/isic/thesaurus/lesson-category/obstacle> ;
                    isic:learnedFrom ?project .
          ?project isic:theme ?theme .
          ?sheet isic:describes ?project ; prov:wasAttributedTo ?network .
        }""").rows
    networks_per_theme: dict[str, set[str]] = {}
    for r in raw:
        networks_per_theme.setdefault(value(r, "theme"), set()).add(value(r, "network"))
    recurring = {t for t, nets in networks_per_theme.items() if len(nets) >= 2}
    themes = {value(r, "theme") for r in rows}
    assert themes == recurring
    assert {concept("theme", t) for t in ("access-to-rights", "holidays-leisure", "housing", "parenting")} <= themes
    for theme in themes:
        in_rows = {value(r, "network") for r in rows if value(r, "theme") == theme}
        assert len(in_rows) >= 2
        assert {int(value(r, "networkCount")) for r in rows if value(r, "theme") == theme} == {len(in_rows)}
    for theme in ("access-to-rights", "holidays-leisure", "housing", "parenting"):
        assert {ANAS, FCSF} <= {value(r, "network") for r in rows if value(r, "theme") == concept("theme", theme)}
    obstacles = {value(r, "obstacle") for r in rows}
    assert inst("lesson", "pe-copil-domine-par-les-financeurs") in obstacles
    # the social grocery's obstacle is on food and budget themes, recorded by fcsf alone
    if not ({concept("theme", "food"), concept("theme", "budget-debt")} & recurring):
        assert inst("lesson", "es-copil-trop-large") not in obstacles


def test_cq01_workarounds_recorded_in_the_same_projects(sample_store):
    rows = run(sample_store, "cq01-recurring-obstacles.rq").rows
    pairs = {(value(r, "theme"), value(r, "obstacle"), value(r, "workaround")) for r in rows}
    housing, holidays = concept("theme", "housing"), concept("theme", "holidays-leisure")
    assert (housing, inst("lesson", "pe-obstacle-peur-du-bailleur"), inst("lesson",
                                                                          "pe-diagnostic-en-marchant")) in pairs
    assert (housing, inst("lesson", "cl-obstacle-peur-des-represailles"), inst("lesson",
                                                                               "cl-questionnaire-anonyme")) in pairs
    assert (holidays, inst("lesson", "svf-obstacle-avance-de-frais"), inst("lesson",
                                                                           "svf-contournement-tiers-payant")) in pairs
    assert (holidays, inst("lesson", "vl-obstacle-desistements"), inst("lesson", "vl-journee-test")) in pairs
    # a workaround is never paired with an obstacle of another project
    assert (housing, inst("lesson", "cl-obstacle-peur-des-represailles"),
            inst("lesson", "pe-diagnostic-en-marchant")) not in pairs
    statements = {value(r, "obstacleStatement") for r in rows}
    assert any(s and "représailles" in s for s in statements)


# ---------------------------------------------------------------- CQ2

def test_cq02_good_practices_with_elected_officials_per_territory(sample_store):
    rows = ours(run(sample_store, "cq02-elected-officials-good-practices.rq").rows)
    by_lesson = {value(r, "lesson"): (value(r, "inseeCode"), value(r, "territoryLabel")) for r in rows}
    assert by_lesson == {
        inst("lesson", "li-elu-restitution-publique"): ("31555", "Toulouse"),
        inst("lesson", "svf-elu-en-amont"): (None, "Quartier nord de Rennes"),  # a neighbourhood has no INSEE code
        inst("lesson", "es-elue-co-presidence"): ("38185", "Grenoble"),
    }
    # a "relation" lesson about elected officials is not a good practice
    assert inst("lesson", "cl-elu-trop-tot") not in by_lesson
    assert {value(r, "network") for r in rows} == {ANAS, FCSF}


# ---------------------------------------------------------------- CQ3

def test_cq03_projects_from_individual_situations_by_theme(sample_store):
    all_rows = run(sample_store, "cq03-projects-from-individual-situations.rq").rows
    rows = ours(all_rows)
    projects = {value(r, "project") for r in rows}
    assert projects == {inst("project", p) for p in (
        "les-incompris", "sejour-vacances-familles", "mobilite-emploi-lille", "atelier-numerique-nantes")}
    per_theme = {value(r, "theme"): int(value(r, "projectsOnTheme")) for r in all_rows}
    for theme, count in per_theme.items():
        assert count == len({value(r, "project") for r in all_rows if value(r, "theme") == theme})
    assert per_theme[concept("theme", "access-to-rights")] >= 2
    assert per_theme[concept("theme", "mobility")] >= 1
    assert inst("project", "precarite-energetique-roubaix") not in {value(r, "project") for r in all_rows}
    access = {value(r, "project") for r in rows if value(r, "theme") == concept("theme", "access-to-rights")}
    assert access == {inst("project", "les-incompris"), inst("project", "atelier-numerique-nantes")}


# ---------------------------------------------------------------- CQ4

def test_cq04_steering_committee_composition(sample_store):
    rows = ours(run(sample_store, "cq04-steering-committees.rq").rows)
    by_committee = {value(r, "committee"): r for r in rows}
    assert set(by_committee) == {inst("committee", c) for c in (
        "svf-copil", "pe-copil", "es-copil", "cl-comite-suivi", "vl-comite")}
    svf = by_committee[inst("committee", "svf-copil")]
    assert int(value(svf, "memberCount")) == 5
    assert "Horizons Vacances Bretagne" in value(svf, "composition")
    assert "Caisse d'allocations familiales d'Ille-et-Vilaine" in value(svf, "composition")
    assert value(svf, "project") == inst("project", "sejour-vacances-familles")
    assert int(value(by_committee[inst("committee", "es-copil")], "memberCount")) == 7


def test_cq04_committee_difficulties_recur_across_projects_and_networks(sample_store):
    all_rows = run(sample_store, "cq04-steering-committees.rq").rows
    rows = ours(all_rows)
    with_difficulties = {value(r, "committee"): r for r in rows if "difficultyCount" in r}
    assert set(with_difficulties) == {inst("committee", c) for c in ("svf-copil", "pe-copil", "es-copil")}
    assert {value(r, "network") for r in with_difficulties.values()} == {ANAS, FCSF}
    assert value(with_difficulties[inst("committee", "svf-copil")], "difficultyLessons") == \
        inst("lesson", "svf-copil-representants-changeants")
    # committees with difficulties come first
    counts = [int(value(r, "difficultyCount")) if "difficultyCount" in r else 0 for r in all_rows]
    assert counts == sorted(counts, reverse=True)


# ---------------------------------------------------------------- CQ5

def test_cq05_co_financing_totals_by_theme_and_territory(sample_store):
    rows = run(sample_store, "cq05-co-financing.rq").rows
    totals = {(value(r, "theme"), value(r, "territory")): Decimal(value(r, "total")) for r in rows}
    # the CAF's holiday aid and the ANCV's vouchers are aid to the families, not funding of the project
    assert totals[(concept("theme", "holidays-leisure"), inst("territory", "neighbourhood/rennes-nord"))] == \
        Decimal("3500.00")
    assert totals[(concept("theme", "holidays-leisure"), inst("territory", "commune/59350"))] == Decimal("8000.00")
    assert totals[(concept("theme", "energy-poverty"), inst("territory", "commune/59512"))] == Decimal("23000.00")
    assert totals[(concept("theme", "food"), inst("territory", "commune/38185"))] == Decimal("30000.00")
    assert totals[(concept("theme", "isolation"), inst("territory", "commune/31555"))] == Decimal("6000.00")
    assert totals[(concept("theme", "digital-inclusion"), inst("territory", "commune/44109"))] == Decimal("10000.00")
    assert totals[(concept("theme", "access-to-rights"), inst("territory", "commune/31555"))] == Decimal("6000.00")
    # single-funder projects are not co-financed
    assert (concept("theme", "housing"), inst("territory", "commune/93066")) not in totals
    assert (concept("theme", "mobility"), inst("territory", "commune/59350")) not in totals
    assert {value(r, "currency") for r in rows} == {"EUR"}


def test_cq05_who_co_finances(sample_store):
    rows = run(sample_store, "cq05-co-financing.rq").rows
    funders = {(value(r, "theme"), value(r, "territory")): value(r, "funders") for r in rows}
    rennes = funders[(concept("theme", "holidays-leisure"), inst("territory", "neighbourhood/rennes-nord"))]
    for name in ("Conseil départemental d'Ille-et-Vilaine", "Ville de Rennes"):
        assert name in rennes
    assert "Caisse d'allocations familiales" not in rennes and "chèques-vacances" not in rennes
    counts = {(value(r, "theme"), value(r, "territory")): int(value(r, "projectCount")) for r in rows}
    assert counts[(concept("theme", "food"), inst("territory", "commune/38185"))] == 1
    grenoble = funders[(concept("theme", "food"), inst("territory", "commune/38185"))]
    assert grenoble.count(", ") == 3  # four co-funders


# ---------------------------------------------------------------- CQ6

def test_cq06_partnership_lessons_by_phase(sample_store):
    all_rows = run(sample_store, "cq06-lessons-by-partnership-phase.rq").rows
    rows = ours(all_rows)
    by_phase: dict[str, set[str]] = {}
    for r in rows:
        by_phase.setdefault(value(r, "phase"), set()).add(value(r, "lesson"))
    assert by_phase == {
        concept("phase", "start-up"): {inst("lesson", s) for s in (
            "svf-elu-en-amont", "pe-partenariat-en-aval", "cl-elu-trop-tot")},
        concept("phase", "construction"): {inst("lesson", s) for s in (
            "svf-contournement-tiers-payant", "svf-copil-representants-changeants",
            "pe-diagnostic-en-marchant", "es-copil-trop-large", "es-bureau-restreint")},
        concept("phase", "evaluation"): {inst("lesson", s) for s in (
            "pe-copil-domine-par-les-financeurs", "es-elue-co-presidence")},
    }
    assert {value(r, "phase") for r in all_rows} <= {concept("phase", p) for p in ("start-up", "construction",
                                                                                   "evaluation")}
    # a lesson of the evaluation phase about the relation with families, not about partnership
    assert inst("lesson", "svf-relation-evaluation") not in {value(r, "lesson") for r in all_rows}
    orders = [int(value(r, "phaseOrder")) for r in all_rows]
    assert orders == sorted(orders)


# ---------------------------------------------------------------- CQ7

def test_cq07_method_sheets_and_tools_for_multi_partner_meetings(sample_store):
    rows = run(sample_store, "cq07-multi-partner-meeting-resources.rq").rows
    resources = [value(r, "resource") for r in rows]
    assert {inst("resource", s) for s in (
        "fiche-methode-reunion-multipartenaires", "fiche-methode-bureau-restreint", "outil-tableau-suivi-partage")
            } <= set(resources)
    is_sheet = [value(r, "resourceType") == concept("resource-type", "method-sheet") for r in rows]
    assert is_sheet == sorted(is_sheet, reverse=True), "method sheets come first"
    by_type = {value(r, "resource"): value(r, "resourceType") for r in rows}
    assert by_type[inst("resource", "outil-tableau-suivi-partage")] == concept("resource-type", "tracking-tool")
    assert by_type[inst("resource", "fiche-methode-bureau-restreint")] == concept("resource-type", "method-sheet")
    by_resource = {value(r, "resource"): r for r in rows}
    anas_sheet = by_resource[inst("resource", "fiche-methode-reunion-multipartenaires")]
    assert value(anas_sheet, "networks") == "Association nationale des assistants de service social"
    assert value(anas_sheet, "downloadURL").startswith("https://")
    assert inst("resource", "astuce-rencontrer-les-elus") not in resources


# ---------------------------------------------------------------- CQ8

def test_cq08_lessons_transferable_to_lille_or_housing(sample_store):
    all_rows = run(sample_store, "cq08-transferable-lessons.rq").rows
    rows = ours(all_rows)
    found = {(value(r, "targetKind"), value(r, "target"), value(r, "lesson")) for r in rows}
    assert found == {
        ("territory", inst("territory", "departement/59"), inst("lesson", "pe-locataires-ambassadeurs")),
        ("theme", concept("theme", "housing"), inst("lesson", "es-bureau-restreint")),
    }
    # transferable to Roubaix, a neighbour of Lille, is not transferable to Lille
    assert inst("lesson", "cl-questionnaire-anonyme") not in {value(r, "lesson") for r in all_rows}
    lille_chain = {inst("territory", c) for c in ("commune/59350", "departement/59", "region/32")}
    for r in all_rows:
        assert value(r, "target") in lille_chain | {concept("theme", "housing")}


# ---------------------------------------------------------------- CQ9

def test_cq09_cross_network_confirmations_and_contradictions(sample_store):
    all_rows = run(sample_store, "cq09-cross-network-confirmations.rq").rows
    assert all(value(r, "network") != value(r, "otherNetwork") for r in all_rows)
    rows = [r for r in ours(all_rows) if value(r, "otherNetwork") in TURTLE_NETWORKS]
    anas, fcsf = ANAS, FCSF
    found = {(value(r, "network"), value(r, "lesson"), value(r, "relation"),
              value(r, "otherNetwork"), value(r, "otherLesson")) for r in rows}
    lesson = lambda s: inst("lesson", s)  # noqa: E731
    assert found == {
        (fcsf, lesson("an-cahier-des-demandes"), "confirms", anas, lesson("li-passage-isap-isic")),
        (fcsf, lesson("cl-obstacle-peur-des-represailles"), "confirms", anas, lesson("pe-obstacle-peur-du-bailleur")),
        (fcsf, lesson("vl-obstacle-desistements"), "confirms", anas, lesson("svf-obstacle-avance-de-frais")),
        (fcsf, lesson("vl-soiree-restitution"), "confirms", anas, lesson("svf-restitution-par-les-familles")),
        (fcsf, lesson("cl-elu-trop-tot"), "contradicts", anas, lesson("svf-elu-en-amont")),
        (fcsf, lesson("es-copil-trop-large"), "confirms", anas, lesson("pe-copil-domine-par-les-financeurs")),
    }
    # a confirmation inside one network (fcsf -> fcsf) is left out
    assert lesson("es-risque-stigmatisation") not in {value(r, "lesson") for r in all_rows}


# ---------------------------------------------------------------- CQ10

def test_cq10_themes_with_projects_but_no_lessons(sample_store):
    rows = run(sample_store, "cq10-coverage-gaps.rq").rows
    gaps = {value(r, "theme"): r for r in rows}
    # the anas mobility workshop has no lesson yet
    assert concept("theme", "mobility") in gaps
    mobility = gaps[concept("theme", "mobility")]
    assert int(value(mobility, "projectCount")) >= 1
    assert "Association nationale des assistants de service social" in value(mobility, "networks")
    assert value(mobility, "themeLabel"), "theme labels come from the thesaurus"
    for covered in ("housing", "holidays-leisure", "parenting", "access-to-rights", "food", "digital-inclusion"):
        assert concept("theme", covered) not in gaps


# ---------------------------------------------------------------- CQ11 and cross-network identity

def test_one_organisation_named_by_two_networks_is_linked_by_its_siret(sample_store):
    caf_35, caf_anas = inst("organisation", "caf-35"), inst("organisation", "caf-ille-et-vilaine")
    assert sample_store.query(f"ASK {{ GRAPH <{BASE}graph/derived/identity> {{ "
                              f"<{caf_35}> <http://www.w3.org/2002/07/owl#sameAs> <{caf_anas}> . "
                              f"<{caf_anas}> <http://www.w3.org/2002/07/owl#sameAs> <{caf_35}> }} }}") is True


def test_cq11_lessons_about_an_organisation_form_one_answer_across_networks(sample_store):
    rows = run(sample_store, "cq11-lessons-about-an-organisation.rq").rows
    caf = [r for r in rows if value(r, "organisation") == inst("organisation", "caf-35")]
    assert {value(r, "network") for r in caf} == {inst("network", "action-sociale-35"), ANAS}
    assert inst("lesson", "svf-obstacle-avance-de-frais") in {value(r, "lesson") for r in caf}
    assert inst("organisation", "caf-ille-et-vilaine") not in {value(r, "organisation") for r in rows}
    assert {value(r, "organisationLabel") for r in caf} == {"Caisse d'allocations familiales d'Ille-et-Vilaine"}

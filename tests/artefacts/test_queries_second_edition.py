"""The second edition's competency queries (cq12-cq20) give exactly the expected rows on the samples, on both
backends; every shipped query's GROUP_CONCAT survives a group that lacks the value; cq01 pairs an obstacle only with
the workarounds that resolve it, and keeps the first edition's pairing for a project whose sheet says nothing of it."""

from __future__ import annotations

import re

import pyoxigraph
import pytest

from tests.support import paths

QUERIES = paths.ROOT / "queries"
BASE = "http://localhost:5000/id/"
THESAURUS = "https://w3id.org/isic/thesaurus/"
LISTS = {"audiences", "functions", "stances", "forms", "interests", "employerSupport", "frameworks",
         "memberProfessions", "learningPriorities"}  # GROUP_CONCAT columns: their order is the engine's

COLUMNS = {
    "cq12-users-in-governance.rq": ["project", "group", "instance", "level", "throughRepresentatives", "from", "until",
                                    "becameOrganisation"],
    "cq13-effects-and-evaluations.rq": ["effectKind", "effect", "project", "evaluation", "withUsers"],
    "cq14-social-worker-practice-lessons.rq": ["lesson", "author", "created", "activity", "activityType", "level",
                                               "audiences"],
    "cq15-co-financing-lessons.rq": ["lesson", "byTopic", "concerns", "concernsKind", "fundingType"],
    "cq16-actual-transfer.rq": ["project", "source", "sourceKind", "sourceNetwork", "crossNetwork", "previousEdition"],
    "cq17-social-workers-functions-stances.rq": ["role", "profession", "status", "project", "functions", "stances"],
    "cq18-intercommunalities-and-neighbourhoods.rq": ["territory", "siren", "qpvCode", "codeVintage", "within",
                                                      "subject"],
    "cq19-resources-besides-grants.rq": ["contribution", "kind", "provider", "type", "amount", "familiesHelped", "from",
                                         "until"],
    "cq20-timeline-and-partners-arrival.rq": ["project", "date", "event", "eventKind", "until", "beforeProject"],
    "cq21-networks-and-their-members.rq": ["network", "members", "memberProfessions", "learningPriorities"],
    "cq22-how-projects-start-and-take-shape.rq": ["project", "initiative", "forms", "interests", "employerSupport",
                                                  "frameworks", "exploratory", "referrals"],
}

EXPECTED = {
    'cq12-users-in-governance.rq': {
        ('project/ateliers-droits-rennes',
         'group/ad-allocataires',
         'partnership/adr-partenariat',
         'participation-level/consulted',
         'false',
         None,
         None,
         None),
        ('project/cafe-des-parents-rennes',
         'group/cdp-parents',
         'committee/cdp-comite',
         'participation-level/co-deciding',
         'true',
         '2015-01-15',
         None,
         None),
        ('project/collectif-locataires-saint-denis',
         'group/cl-locataires',
         'committee/cl-comite-suivi',
         'participation-level/co-deciding',
         'true',
         None,
         None,
         'organisation/amicale-locataires-les-tilleuls'),
        ('project/epicerie-solidaire-grenoble',
         'group/es-comite-usagers',
         'committee/es-copil',
         'participation-level/co-chairing',
         'true',
         '2015-06-01',
         None,
         None),
        ('project/les-incompris',
         'group/les-incompris-collectif',
         'partnership/les-incompris-theatre',
         'participation-level/co-deciding',
         'true',
         '2013-09-01',
         None,
         None),
        ('project/precarite-energetique-roubaix',
         'group/pe-collectif-locataires',
         'committee/pe-copil',
         'participation-level/informed',
         'true',
         '2016-04-19',
         '2016-10-30',
         None),
        ('project/precarite-energetique-roubaix',
         'group/pe-collectif-locataires',
         'partnership/pe-energie',
         'participation-level/consulted',
         None,
         None,
         None,
         None),
        ('project/sejour-vacances-familles',
         'group/svf-familles',
         'committee/svf-copil',
         'participation-level/co-deciding',
         'true',
         '2013-06-11',
         '2013-10-31',
         None),
    },
    'cq13-effects-and-evaluations.rq': {
        ('effect/on-group', 'effect/collective-history', 'project/collectif-locataires-saint-denis', None, None),
        ('effect/on-group', 'effect/living-together', 'project/collectif-locataires-saint-denis', None, None),
        ('effect/on-institutions', 'effect/interpellation', 'project/les-incompris', None, None),
        ('effect/on-institutions', 'effect/interpellation', 'project/precarite-energetique-roubaix', None, None),
        ('effect/on-institutions', 'effect/practice-change', 'project/les-incompris', None, None),
        ('effect/on-partnership', 'effect/deployment', 'project/vacances-familles-lille', None, None),
        ('effect/on-partnership', 'effect/lasting-cooperation', 'project/epicerie-solidaire-grenoble', None, None),
        ('effect/on-partnership',
         'effect/made-permanent',
         'project/epicerie-solidaire-grenoble',
         'evaluation/es-evaluation',
         'true'),
        ('effect/on-partnership', 'effect/made-permanent', 'project/epicerie-solidaire-grenoble', None, None),
        ('effect/on-people', 'effect/autonomy', 'project/atelier-numerique-nantes', None, None),
        ('effect/on-people', 'effect/autonomy', 'project/ateliers-droits-rennes', None, None),
        ('effect/on-people',
         'effect/autonomy',
         'project/sejour-vacances-familles',
         'evaluation/svf-evaluation',
         'true'),
        ('effect/on-people', 'effect/confidence', 'project/atelier-numerique-nantes', None, None),
        ('effect/on-people', 'effect/confidence', 'project/cafe-des-parents-rennes', None, None),
        ('effect/on-people',
         'effect/confidence',
         'project/sejour-vacances-familles',
         'evaluation/svf-evaluation',
         'true'),
        ('effect/on-people', 'effect/confidence', 'project/sejour-vacances-familles', None, None),
        ('effect/on-people', 'effect/end-of-isolation', 'project/cafe-des-parents-rennes', None, None),
        ('effect/on-people', 'effect/end-of-isolation', 'project/les-incompris', None, None),
        ('effect/on-people', 'effect/end-of-isolation', 'project/sejour-vacances-familles', None, None),
        ('effect/on-people', 'effect/end-of-isolation', 'project/vacances-familles-lille', None, None),
        ('effect/on-people', 'effect/power-to-act', 'project/les-incompris', None, None),
        ('effect/on-people', 'effect/responsibility-solidarity', 'project/epicerie-solidaire-grenoble', None, None),
        ('effect/on-people', 'effect/responsibility-solidarity', 'project/precarite-energetique-roubaix', None, None),
        ('effect/on-people', 'effect/responsibility-solidarity', 'project/sejour-vacances-familles', None, None),
        ('effect/on-policy',
         'effect/policy-change',
         'project/epicerie-solidaire-grenoble',
         'evaluation/es-evaluation',
         'true'),
    },
    'cq14-social-worker-practice-lessons.rq': {
        ('lesson/li-pratique-humilite',
         'role/les-incompris-assistante-sociale',
         '2014-06-30',
         'activity/li-bilan',
         'capitalisation-activity/review',
         'formalisation-level/light-trace',
         'Travailleurs sociaux en poste'),
        ('lesson/svf-pratique-laisser-la-place',
         'role/svf-assistante-sociale',
         '2013-11-28',
         'activity/svf-analyse-de-pratiques',
         'capitalisation-activity/analysis-of-practice',
         'formalisation-level/light-trace',
         'Travailleurs sociaux en poste, Étudiants en travail social'),
        # the first edition's lessons about the social worker's own practice (« faire à la place », the group
        # that takes over, the more horizontal relation, the families presenting instead of the professionals)
        ('lesson/adr-ecrans', None, None, None, None, 'formalisation-level/systematic', None),
        ('lesson/cdp-choix-themes', 'role/cdp-assistante-sociale', None, None, None, 'formalisation-level/light-trace',
         None),
        ('lesson/svf-relation-evaluation', 'group/svf-familles', '2013-10-15', 'evaluation/svf-evaluation',
         'capitalisation-activity/evaluation', 'formalisation-level/systematic', None),
        ('lesson/svf-relation-evaluation', 'role/svf-assistante-sociale', '2013-10-15', 'evaluation/svf-evaluation',
         'capitalisation-activity/evaluation', 'formalisation-level/systematic', None),
        ('lesson/svf-restitution-par-les-familles', None, None, None, None, None, None),
    },
    'cq15-co-financing-lessons.rq': {
        ('lesson/pe-copil-domine-par-les-financeurs', 'true', None, None, None),
        ('lesson/svf-contournement-tiers-payant', 'true', 'family-aid/svf-aide-vacances-caf', 'family-aid', None),
        ('lesson/svf-elu-en-amont', 'true', 'contribution/svf-minibus', 'in-kind', None),
        ('lesson/svf-elu-en-amont', 'true', 'funding/svf-ville-de-rennes', 'funding', 'funding-type/grant'),
    },
    'cq16-actual-transfer.rq': {
        ('project/collectif-locataires-saint-denis',
         'lesson/pe-diagnostic-en-marchant',
         'lesson',
         'network/anas',
         'true',
         'false'),
        ('project/collectif-locataires-saint-denis',
         'project/precarite-energetique-roubaix',
         'project',
         'network/anas',
         'true',
         'false'),
        ('project/vacances-familles-lille',
         'lesson/svf-contournement-tiers-payant',
         'lesson',
         'network/anas',
         'true',
         'false'),
        ('project/vacances-familles-lille',
         'project/sejour-vacances-familles',
         'project',
         'network/anas',
         'true',
         'false'),
        ('project/vacances-familles-lille',
         'resource/fiche-methode-reunion-multipartenaires',
         'resource',
         'network/anas',
         'true',
         'false'),
        ('project/vacances-familles-lille-2017', 'lesson/vl-journee-test', 'lesson', 'network/fcsf', 'false', 'false'),
        ('project/vacances-familles-lille-2017',
         'project/vacances-familles-lille',
         'project',
         'network/fcsf',
         'false',
         'true'),
    },
    'cq17-social-workers-functions-stances.rq': {
        ('role/ad-conseillere-caf',
         'profession/family-economic-counsellor',
         'role-status/employee',
         'project/ateliers-droits-rennes',
         "Animation du groupe, Apport d'expertise",
         None),
        ('role/an-referente-famille',
         'profession/community-worker',
         'role-status/employee',
         'project/atelier-numerique-nantes',
         'Animation du groupe',
         None),
        ('role/cdp-assistante-sociale',
         'profession/social-service-assistant',
         'role-status/employee',
         'project/cafe-des-parents-rennes',
         'Animation du groupe',
         'Médiateur, Observateur'),
        ('role/cl-animateur',
         'profession/community-worker',
         'role-status/employee',
         'project/collectif-locataires-saint-denis',
         'Animation du groupe',
         'Animateur de réseau, Connecteur'),
        ('role/es-conseillere-esf',
         'profession/family-economic-counsellor',
         'role-status/employee',
         'project/epicerie-solidaire-grenoble',
         'Animation du groupe',
         None),
        ('role/les-incompris-assistante-sociale',
         'profession/social-service-assistant',
         'role-status/employee',
         'project/les-incompris',
         'Animation du groupe',
         'Catalyseur, Observateur, Révélateur'),
        ('role/mob-assistante-sociale',
         'profession/social-service-assistant',
         'role-status/employee',
         'project/mobilite-emploi-lille',
         'Animation du groupe',
         None),
        ('role/pe-assistante-sociale',
         'profession/social-service-assistant',
         'role-status/employee',
         'project/precarite-energetique-roubaix',
         'Animation du groupe',
         'Médiateur'),
        ('role/pe-conseillere-esf',
         'profession/family-economic-counsellor',
         'role-status/employee',
         'project/precarite-energetique-roubaix',
         'Animation du groupe',
         None),
        ('role/svf-assistante-sociale',
         'profession/social-service-assistant',
         'role-status/employee',
         'project/sejour-vacances-familles',
         'Animation du groupe',
         "Catalyseur, Chef d'orchestre"),
        ('role/svf-conseillere-esf',
         'profession/family-economic-counsellor',
         'role-status/employee',
         'project/sejour-vacances-familles',
         "Animation du groupe, Apport d'expertise",
         None),
        ('role/vl-conseillere-caf',
         'profession/family-economic-counsellor',
         'role-status/employee',
         'project/vacances-familles-lille',
         None,
         None),
        ('role/vl-referente-familles',
         'profession/community-worker',
         'role-status/employee',
         'project/vacances-familles-lille',
         'Animation du groupe',
         None),
    },
    'cq18-intercommunalities-and-neighbourhoods.rq': {
        ('territory/intercommunality/200040715',
         '200040715',
         None,
         '2015',
         'territory/departement/38',
         'organisation/grenoble-alpes-metropole'),
        ('territory/intercommunality/200093201',
         '200093201',
         None,
         '2015',
         'territory/departement/59',
         'organisation/metropole-europeenne-de-lille'),
        ('territory/neighbourhood/rennes-nord',
         None,
         None,
         None,
         'territory/commune/35238',
         'project/sejour-vacances-familles'),
        ('territory/neighbourhood/roubaix-tisserands',
         None,
         'QN05907M',
         '2024',
         'territory/commune/59512',
         'project/precarite-energetique-roubaix'),
    },
    'cq19-resources-besides-grants.rq': {
        ('contribution/es-local-ccas',
         'in-kind',
         'organisation/ccas-grenoble',
         'contribution-kind/premises',
         None,
         None,
         '2015-01-05',
         None),
        ('contribution/svf-minibus',
         'in-kind',
         'organisation/ville-de-rennes',
         'contribution-kind/vehicle',
         None,
         None,
         '2013-07-08',
         '2013-07-14'),
        ('contribution/svf-salle-cdas',
         'in-kind',
         'organisation/departement-ille-et-vilaine',
         'contribution-kind/premises',
         None,
         None,
         None,
         None),
        ('contribution/svf-salle-cdas',
         'in-kind',
         'organisation/departement-ille-et-vilaine',
         'contribution-kind/staff-time',
         None,
         None,
         None,
         None),
        ('family-aid/svf-aide-vacances-caf',
         'family-aid',
         'organisation/caf-ille-et-vilaine',
         None,
         None,
         '6',
         None,
         None),
        ('family-aid/svf-cheques-vacances', 'family-aid', 'organisation/ancv', None, None, '4', None, None),
        ('funding/adr-caf', 'funding', 'organisation/caf-35', None, '2000', None, None, None),
        ('funding/an-caf',
         'funding',
         'organisation/caf-loire-atlantique',
         'funding-type/service-payment',
         '7000',
         None,
         None,
         None),
        ('funding/an-ville-de-nantes',
         'funding',
         'organisation/ville-de-nantes',
         'funding-type/grant',
         '3000',
         None,
         None,
         None),
        ('funding/cdp-caf', 'funding', 'organisation/caf-35', None, '3500', None, None, None),
        ('funding/cdp-ville', 'funding', 'organisation/ville-de-rennes', None, '1500', None, None, None),
        ('funding/cl-ville',
         'funding',
         'organisation/ville-de-saint-denis',
         'funding-type/grant',
         '3500',
         None,
         None,
         None),
        ('funding/es-ccas', 'funding', 'organisation/ccas-grenoble', 'funding-type/grant', '5000', None, None, None),
        ('funding/es-fondation',
         'funding',
         'organisation/fondation-solidarite-alimentaire',
         'funding-type/call-for-projects',
         '4000',
         None,
         None,
         None),
        ('funding/es-metropole',
         'funding',
         'organisation/grenoble-alpes-metropole',
         'funding-type/call-for-projects',
         '15000',
         None,
         '2015-01-01',
         '2016-12-31'),
        ('funding/es-ville',
         'funding',
         'organisation/ville-de-grenoble',
         'funding-type/grant',
         '6000',
         None,
         None,
         None),
        ('funding/les-incompris-departement',
         'funding',
         'organisation/departement-haute-garonne',
         'funding-type/own-funds',
         '3500',
         None,
         None,
         None),
        ('funding/les-incompris-ville-toulouse',
         'funding',
         'organisation/ville-de-toulouse',
         'funding-type/call-for-projects',
         '2500',
         None,
         None,
         None),
        ('funding/mob-departement',
         'funding',
         'organisation/departement-du-nord',
         'funding-type/service-payment',
         '4000',
         None,
         None,
         None),
        ('funding/pe-bailleur',
         'funding',
         'organisation/habitat-nord-solidaire',
         'funding-type/grant',
         '8000',
         None,
         None,
         None),
        ('funding/pe-fondation',
         'funding',
         'organisation/fondation-energie-solidaire',
         'funding-type/call-for-projects',
         '5000',
         None,
         None,
         None),
        ('funding/pe-mel',
         'funding',
         'organisation/metropole-europeenne-de-lille',
         'funding-type/call-for-projects',
         '10000',
         None,
         None,
         None),
        ('funding/svf-departement',
         'funding',
         'organisation/departement-ille-et-vilaine',
         'funding-type/own-funds',
         '1500',
         None,
         None,
         None),
        ('funding/svf-ville-de-rennes',
         'funding',
         'organisation/ville-de-rennes',
         'funding-type/grant',
         '2000',
         None,
         '2013-04-01',
         '2013-12-31'),
        ('funding/vl-ancv', 'funding', 'organisation/ancv', 'funding-type/grant', '3000', None, None, None),
        ('funding/vl-caf',
         'funding',
         'organisation/caf-du-nord',
         'funding-type/service-payment',
         '5000',
         None,
         None,
         None),
    },
    'cq20-timeline-and-partners-arrival.rq': {
        ('project/cafe-des-parents-rennes',
         '2015-01-15',
         'participation/cdp-parents-comite',
         'participation',
         None,
         'false'),
        ('project/epicerie-solidaire-grenoble',
         '2015-06-01',
         'participation/es-adjointe-copil',
         'participation',
         None,
         'false'),
        ('project/epicerie-solidaire-grenoble',
         '2015-06-01',
         'participation/es-usagers-copil',
         'participation',
         None,
         'false'),
        ('project/les-incompris', '2012-10-01', 'milestone/li-premiere-reunion', 'milestone', None, 'false'),
        ('project/les-incompris', '2012-10-01', 'partner-role/les-incompris-departement', 'partner', None, 'false'),
        ('project/les-incompris', '2013-06-01', 'partner-role/les-incompris-ville', 'partner', None, 'false'),
        ('project/les-incompris',
         '2013-09-01',
         'participation/li-collectif-partenariat',
         'participation',
         None,
         'false'),
        ('project/les-incompris',
         '2013-09-01',
         'partner-role/les-incompris-compagnie',
         'partner',
         '2014-03-31',
         'false'),
        ('project/les-incompris', '2014-03-20', 'milestone/li-representation', 'milestone', None, 'false'),
        ('project/precarite-energetique-roubaix',
         '2016-04-19',
         'participation/pe-locataires-copil',
         'participation',
         '2016-10-30',
         'false'),
        ('project/sejour-vacances-familles', '2012-09-01', 'partner-role/svf-departement', 'partner', None, 'true'),
        ('project/sejour-vacances-familles',
         '2013-03-12',
         'milestone/svf-choix-destination',
         'milestone',
         None,
         'false'),
        ('project/sejour-vacances-familles',
         '2013-03-20',
         'partner-role/svf-association',
         'partner',
         '2013-10-31',
         'false'),
        ('project/sejour-vacances-familles',
         '2013-06-11',
         'participation/svf-familles-copil',
         'participation',
         '2013-10-31',
         'false'),
        ('project/sejour-vacances-familles', '2013-07-08', 'milestone/svf-depart', 'milestone', None, 'false'),
        ('project/sejour-vacances-familles', '2013-10-17', 'milestone/svf-restitution', 'milestone', None, 'false'),
    },
    'cq21-networks-and-their-members.rq': {
        ('network/action-sociale-35', None, None, None),
        ('network/anas', '1', 'Assistant de service social', 'Co-financement, Participation des usagers'),
        ('network/fcsf', '4', None, 'Comité de pilotage'),
    },
    'cq22-how-projects-start-and-take-shape.rq': {
        ('project/atelier-numerique-nantes',
         'initiative/social-worker',
         'Atelier',
         None,
         None,
         'Projet social de centre social',
         None,
         None),
        ('project/ateliers-droits-rennes',
         'initiative/institution',
         "Atelier, Réunion d'information collective",
         None,
         'Mandat écrit',
         None,
         None,
         None),
        ('project/cafe-des-parents-rennes',
         'initiative/social-worker',
         'Café des parents, Groupe de parole',
         None,
         'Temps dégagé',
         None,
         None,
         None),
        ('project/collectif-locataires-saint-denis',
         'initiative/users',
         "Collectif d'habitants",
         'Intérêts communs',
         None,
         None,
         None,
         None),
        ('project/epicerie-solidaire-grenoble',
         'initiative/partner',
         "Comité d'usagers, Épicerie solidaire",
         'Intérêt général, Intérêts individuels',
         None,
         'Convention territoriale globale',
         None,
         None),
        ('project/les-incompris',
         'initiative/social-worker',
         'Atelier, Groupe de parole',
         'Intérêt général, Intérêts communs, Intérêts individuels',
         'Mandat écrit, Temps dégagé',
         None,
         'true',
         '3'),
        ('project/mobilite-emploi-lille',
         'initiative/partner',
         "Réunion d'information collective",
         None,
         None,
         None,
         None,
         None),
        ('project/precarite-energetique-roubaix',
         'initiative/institution',
         "Atelier, Collectif d'habitants",
         'Intérêt général, Intérêts communs',
         "Soutien de l'encadrement",
         'Contrat de ville',
         None,
         None),
        ('project/sejour-vacances-familles',
         'initiative/social-worker',
         'Séjour',
         'Intérêts communs, Intérêts individuels',
         "Soutien de l'encadrement, Temps dégagé",
         'Schéma ou plan départemental',
         None,
         '2'),
        ('project/vacances-familles-lille', 'initiative/users', 'Séjour', None, None, None, None, None),
        ('project/vacances-familles-lille-2017', 'initiative/users', 'Séjour', None, None, None, None, None),
    },
}


def short(row: dict, var: str) -> str | None:
    term = row.get(var)
    if term is None:
        return None
    text = term.value.replace(BASE, "").replace(THESAURUS, "")
    return ", ".join(sorted(text.split(", "))) if var in LISTS else text


def answer(store, name: str) -> set[tuple]:
    result = store.select((QUERIES / name).read_text(encoding="utf-8"))
    return {tuple(short(row, c) for c in COLUMNS[name]) for row in result.rows}


def normalised(rows: set[tuple], name: str) -> set[tuple]:
    lists = [i for i, c in enumerate(COLUMNS[name]) if c in LISTS]
    return {tuple(", ".join(sorted(v.split(", "))) if i in lists and v else v for i, v in enumerate(r)) for r in rows}


@pytest.mark.parametrize("name", sorted(COLUMNS))
def test_second_edition_query_gives_exactly_the_expected_rows(sample_store, name):
    assert answer(sample_store, name) == normalised(EXPECTED[name], name)


def test_cq01_pairs_an_obstacle_only_with_the_workarounds_that_resolve_it(sample_store):
    rows = sample_store.select((QUERIES / "cq01-recurring-obstacles.rq").read_text(encoding="utf-8")).rows
    pairs = {(short(r, "obstacle"), short(r, "workaround")) for r in rows}
    assert ("lesson/pe-obstacle-peur-du-bailleur", "lesson/pe-diagnostic-en-marchant") in pairs
    # the committee dominated by funders is another obstacle of the same project: no workaround resolves it
    assert ("lesson/pe-copil-domine-par-les-financeurs", "lesson/pe-diagnostic-en-marchant") not in pairs
    assert ("lesson/pe-copil-domine-par-les-financeurs", None) in pairs


# ---------------------------------------------------------------- on small graphs, in an embedded engine

PREFIXES = """
@prefix isic: <https://w3id.org/isic/ontology#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix ex: <http://localhost:5000/id/> .
@prefix lc: <https://w3id.org/isic/thesaurus/lesson-category/> .
@prefix mt: <https://w3id.org/isic/thesaurus/method-topic/> .
@prefix pro: <https://w3id.org/isic/thesaurus/profession/> .
@prefix res: <https://w3id.org/isic/thesaurus/resource-type/> .
@prefix rt: <https://w3id.org/isic/thesaurus/role-type/> .
@prefix th: <https://w3id.org/isic/thesaurus/theme/> .
"""


def rows_of(data: str, name: str) -> list[dict]:
    store = pyoxigraph.Store()
    store.load(input=(PREFIXES + data).encode("utf-8"), format=pyoxigraph.RdfFormat.TURTLE)
    solutions = store.query((QUERIES / name).read_text(encoding="utf-8"))
    names = [v.value for v in solutions.variables]
    return [{n: s[n] for n in names if s[n] is not None} for s in solutions]


def test_cq01_keeps_the_first_edition_pairing_where_no_workaround_says_what_it_resolves():
    data = """
        ex:s1 isic:describes ex:p1 ; prov:wasAttributedTo ex:n1 .  ex:p1 isic:theme th:housing .
        ex:s2 isic:describes ex:p2 ; prov:wasAttributedTo ex:n2 .  ex:p2 isic:theme th:housing .
        ex:o1 isic:lessonCategory lc:obstacle ; isic:learnedFrom ex:p1 .
        ex:o2 isic:lessonCategory lc:obstacle ; isic:learnedFrom ex:p1 .
        ex:w1 isic:lessonCategory lc:workaround ; isic:learnedFrom ex:p1 .
        ex:o3 isic:lessonCategory lc:obstacle ; isic:learnedFrom ex:p2 .
        ex:o4 isic:lessonCategory lc:obstacle ; isic:learnedFrom ex:p2 .
        ex:w3 isic:lessonCategory lc:workaround ; isic:learnedFrom ex:p2 ; isic:resolves ex:o3 .
    """
    pairs = {(r["obstacle"].value.rsplit("/", 1)[1], r["workaround"].value.rsplit("/", 1)[1] if "workaround" in r
              else None) for r in rows_of(data, "cq01-recurring-obstacles.rq")}
    # p1, written as the first edition wrote it: every workaround of the project; p2 links its workaround
    assert pairs == {("o1", "w1"), ("o2", "w1"), ("o3", "w3"), ("o4", None)}


GROUP_LACKING_A_VALUE = {
    # cq04: one of two difficulties of the committee has no French statement
    "cq04-steering-committees.rq": ("""
        ex:c a isic:SteeringCommittee ; isic:committeeMember ex:r .
        ex:r a isic:ProfessionalRole ; isic:roleType rt:social-worker ; rdfs:label "ASS"@fr .
        ex:d1 isic:concerns ex:c ; isic:lessonCategory lc:obstacle ; isic:statement "Trop large"@fr .
        ex:d2 isic:concerns ex:c ; isic:lessonCategory lc:obstacle ; isic:statement "Too wide"@en .
    """, "difficulties", "Trop large"),
    # cq07: a resource about two projects, only one of them described by a sheet
    "cq07-multi-partner-meeting-resources.rq": ("""
        ex:res dcterms:subject mt:multi-partner-meeting ; isic:resourceType res:tip ;
            isic:about ex:p1 , ex:p2 .
        ex:p1 a isic:Project . ex:p2 a isic:Project .
        ex:s1 isic:describes ex:p1 ; prov:wasAttributedTo ex:n1 . ex:n1 rdfs:label "Réseau un"@fr .
    """, "networks", "Réseau un"),
    # cq10: a theme with two projects, only one described by a sheet
    "cq10-coverage-gaps.rq": ("""
        ex:p1 isic:theme th:food . ex:p2 isic:theme th:food .
        ex:s1 isic:describes ex:p1 ; prov:wasAttributedTo ex:n1 . ex:n1 rdfs:label "Réseau un"@fr .
    """, "networks", "Réseau un"),
    # cq14: a lesson for two audiences, one without a French label
    "cq14-social-worker-practice-lessons.rq": ("""
        ex:l isic:lessonCategory lc:professional-practice ; isic:learnedFrom ex:p ;
            isic:audience ex:a1 , ex:a2 .
        ex:s isic:describes ex:p ; prov:wasAttributedTo ex:n .
        ex:a1 skos:prefLabel "Étudiants"@fr . ex:a2 skos:prefLabel "Students"@en .
    """, "audiences", "Étudiants"),
    # cq17: a social worker with one labelled stance and one without a French label, and no function
    "cq17-social-workers-functions-stances.rq": ("""
        ex:r isic:profession pro:social-service-assistant ; isic:stance ex:st1 , ex:st2 .
        pro:social-service-assistant skos:broader pro:social-worker .
        ex:p isic:involves ex:r . ex:s isic:describes ex:p ; prov:wasAttributedTo ex:n .
        ex:st1 skos:prefLabel "Médiateur"@fr . ex:st2 skos:prefLabel "Observer"@en .
    """, "stances", "Médiateur"),
}


@pytest.mark.parametrize("name", sorted(GROUP_LACKING_A_VALUE))
def test_group_concat_keeps_its_values_when_one_row_of_the_group_lacks_the_value(name):
    data, column, expected = GROUP_LACKING_A_VALUE[name]
    rows = rows_of(data, name)
    assert rows, name
    assert all(column in r and r[column].value == expected for r in rows), [r.get(column) for r in rows]


def test_every_shipped_group_concat_is_over_values_that_are_always_bound():
    """A GROUP_CONCAT over a variable bound in an OPTIONAL must be guarded (tested above for each such query)."""
    guarded = set(GROUP_LACKING_A_VALUE) | {"cq05-co-financing.rq"}  # cq05 concatenates a COALESCE
    guarded |= {"cq21-networks-and-their-members.rq", "cq22-how-projects-start-and-take-shape.rq"}  # sub-selects
    using = {p.name for p in QUERIES.glob("cq*.rq") if "GROUP_CONCAT" in p.read_text(encoding="utf-8")}
    assert using <= guarded, using - guarded


def test_every_term_of_the_second_edition_has_an_example_in_the_queries():
    ontology = (paths.ROOT / "ontology" / "isic.ttl").read_text(encoding="utf-8")
    section = ontology.split("# 8. Second edition: what the article says matters", 1)[1]
    terms = set(re.findall(r"^isic:(\w+)\n", section, re.M))
    queries = "\n".join(p.read_text(encoding="utf-8") for p in QUERIES.glob("cq*.rq"))
    assert len(terms) > 50
    assert not sorted(t for t in terms if f"isic:{t}" not in queries)

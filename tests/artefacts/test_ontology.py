"""Tests of the public vocabulary: OWL ontology, SKOS thesauri and JSON-LD context.

Files are read with rdflib and, independently, parsed with pyoxigraph, so that a
syntax accepted by only one toolchain is caught.
"""

import json

import pyoxigraph
import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SKOS

from tests.support import paths

ROOT = paths.ROOT
ONTOLOGY_FILE = ROOT / "ontology" / "isic.ttl"
THESAURI_DIR = ROOT / "ontology" / "thesauri"
CONTEXT_FILE = ROOT / "ontology" / "context.jsonld"

ISIC = Namespace("https://w3id.org/isic/ontology#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
ORG = Namespace("http://www.w3.org/ns/org#")
VANN = Namespace("http://purl.org/vocab/vann/")
ONTOLOGY_IRI = URIRef("https://w3id.org/isic/ontology")
VERSION_IRI = URIRef("https://w3id.org/isic/ontology/2")
PRIOR_VERSION_IRI = URIRef("https://w3id.org/isic/ontology/1.0.0")
CC_BY = URIRef("https://creativecommons.org/licenses/by/4.0/")
THESAURUS_BASE = "https://w3id.org/isic/thesaurus/"
ISIC_PREFIX = str(ISIC)

# --- The contract (SPEC), restated here so that a drift is caught -----------

SPEC_CLASSES = {
    "Actor", "Organisation", "Network", "ProfessionalRole", "UserGroup", "Project",
    "Lesson", "Partnership", "PartnerRole", "SteeringCommittee", "Funding",
    "Territory", "KnowledgeResource", "CollectionSheet",
}

SPEC_OBJECT_PROPERTIES = {
    "actorType", "territory", "member", "roleType", "heldBy", "affiliation", "public",
    "status", "theme", "carriedBy", "involves", "userGroup", "partnership", "funding",
    "learnedFrom", "lessonCategory", "phase", "dimension", "transferableTo", "confirms",
    "contradicts", "concernsRole", "concerns", "partner", "steeringCommittee", "agent",
    "role", "funder", "territoryLevel", "within", "resourceType", "about", "describes",
}

# datatype property -> expected rdfs:range
SPEC_DATATYPE_PROPERTIES = {
    "siret": XSD.string,
    "rna": XSD.string,
    "groupSize": XSD.integer,
    "genesis": RDF.langString,
    "modalities": RDF.langString,
    "emergedFromIndividualSituations": XSD.boolean,
    "startDate": XSD.date,
    "endDate": XSD.date,
    "milestone": RDF.langString,
    "trackingTool": RDF.langString,
    "statement": RDF.langString,
    "recommendation": RDF.langString,
    "establishedBeforeProject": XSD.boolean,
    "governance": RDF.langString,
    "meetingFrequency": RDF.langString,
    "amount": XSD.decimal,
    "currency": XSD.string,
    "inseeCode": XSD.string,
}

SPEC_SCHEMES = {
    "theme": {
        "housing", "health", "employment", "mobility", "parenting", "access-to-rights",
        "isolation", "food", "digital-inclusion", "holidays-leisure", "education",
        "budget-debt", "energy-poverty", "ageing", "disability", "youth",
        "domestic-violence", "migration", "culture", "living-environment", "citizenship",
    },
    "public": {
        "families", "single-parent-families", "children", "young-people", "older-people",
        "people-with-disabilities", "jobseekers", "minimum-income-recipients", "migrants",
        "homeless-people", "tenants", "women", "residents",
    },
    "actor-type": {
        "association", "local-authority", "public-service", "employing-institution",
        "social-landlord", "social-centre", "foundation", "company", "informal-collective",
        "health-service", "school",
    },
    "role-type": {
        "social-worker", "specialised-educator", "family-economic-counsellor",
        "elected-official", "volunteer", "manager", "coordinator", "facilitator",
        "health-professional", "other-professional",
    },
    "partner-role": {"funder", "operator", "pilot", "host", "expert", "relay", "evaluator"},
    "lesson-category": {
        "obstacle", "workaround", "method-milestone", "tracking-tool", "relation",
        "nature-of-action", "risk", "good-practice", "tip",
    },
    "phase": {"exploration", "start-up", "construction", "action", "evaluation", "restitution"},
    "dimension": {"exploration", "action", "partnership", "methodology"},
    "project-status": {"planned", "ongoing", "completed", "suspended"},
    "resource-type": {
        "activity-report", "method-sheet", "good-practice", "tip", "tracking-tool",
        "evaluation-report",
    },
    "method-topic": {
        "multi-partner-meeting", "steering-committee", "user-participation",
        "relations-with-elected-officials", "co-financing", "evaluation", "communication",
        "project-management",
    },
    "territory-level": {"commune", "departement", "region", "intercommunality", "neighbourhood"},
}


# The second edition extends the contract (nothing of the first is removed or renamed).
SPEC_CLASSES |= {
    "Participation", "CapitalisationActivity", "Evaluation", "Milestone", "InKindContribution", "FamilyAid",
}
SPEC_OBJECT_PROPERTIES |= {
    "actionForm", "activityType", "aidProvider", "audience", "capturedDuring", "committeeMember",
    "contributionKind", "contributor", "drawnUpBy", "drewOn", "effect", "familyAid", "forProject",
    "formalisationLevel", "formedFrom", "function", "fundingType", "heldWith", "inKind", "initiative",
    "institutionalSupport", "interestLevel", "keyMoment", "learningPriority", "memberProfession", "method",
    "methodTopic", "networkMember", "participant", "participatesIn", "participationLevel", "previousEdition",
    "profession", "resolves", "roleStatus", "stance", "territorialFramework", "transferableToTerritory",
    "transferableToTheme",
}
SPEC_DATATYPE_PROPERTIES |= {
    "throughRepresentatives": XSD.boolean,
    "periodStart": XSD.date,
    "periodEnd": XSD.date,
    "activityDate": XSD.date,
    "criterion": RDF.langString,
    "findings": RDF.langString,
    "stakes": RDF.langString,
    "siren": XSD.string,
    "qpvCode": XSD.string,
    "codeVintage": XSD.integer,
    "milestoneDate": XSD.date,
    "familiesHelped": XSD.integer,
    "individualSupportReferrals": XSD.integer,
    "socioEconomicContext": RDF.langString,
    "groupDecisions": RDF.langString,
    "exploratory": XSD.boolean,
}
SPEC_SCHEMES |= {
    "participation-level": {"informed", "consulted", "co-deciding", "co-chairing"},
    "effect": {"on-people", "on-group", "on-institutions", "on-policy", "on-partnership", "on-professionals"},
    "capitalisation-activity": {"listening", "capture-analysis", "sharing"},
    "formalisation-level": {"light-trace", "systematic"},
    "audience": {"social-work-students", "social-workers", "stakeholders", "managers"},
    "method": {"diagnosis", "group-work"},
    "profession": {"social-worker", "health-professional", "housing-professional", "artist", "other-profession"},
    "function": {"group-facilitation", "partnership-coordination", "institutional-backing",
        "association-leadership", "lead-elected-official", "support-volunteering", "expertise"},
    "role-status": {"employee", "elected-official", "volunteer", "trainee"},
    "stance": {"revealer", "catalyst", "network-facilitator", "mediator", "observer", "conductor", "connector"},
    "funding-type": {"grant", "call-for-projects", "service-payment", "own-funds"},
    "contribution-kind": {"premises", "vehicle", "staff-time", "equipment", "expertise"},
    "action-form": {"discussion-group", "workshop", "residents-collective", "users-committee", "stay",
        "solidarity-grocery", "parents-cafe", "information-session"},
    "initiative": {"users", "social-worker", "institution", "partner", "elected-official"},
    "interest-level": {"individual", "common", "general"},
    "institutional-support": {"written-mandate", "time-allowed", "managerial-backing", "training"},
    "territorial-framework": {"city-contract", "global-territorial-agreement", "social-centre-project",
        "departmental-plan"},
}
SPEC_SCHEMES["lesson-category"] |= {"professional-practice", "ethics"}
SPEC_SCHEMES["project-status"] |= {"made-permanent"}
SPEC_SCHEMES["resource-type"] |= {"official-report", "study"}
SPEC_SCHEMES["partner-role"] |= {"employing-institution"}
SPEC_SCHEMES["public"] |= {"isolated-people", "parents"}

DL_KINDS = (OWL.AnnotationProperty, OWL.ObjectProperty, OWL.DatatypeProperty)


# --- Fixtures ----------------------------------------------------------------

def thesaurus_files():
    return sorted(THESAURI_DIR.glob("*.ttl"))


def vocabulary_files():
    return [ONTOLOGY_FILE, *thesaurus_files()]


@pytest.fixture(scope="module")
def onto():
    return Graph().parse(ONTOLOGY_FILE, format="turtle")


@pytest.fixture(scope="module")
def thesauri():
    graph = Graph()
    for path in thesaurus_files():
        graph.parse(path, format="turtle")
    return graph


@pytest.fixture(scope="module")
def context():
    return json.loads(CONTEXT_FILE.read_text(encoding="utf-8"))["@context"]


def isic_terms(graph):
    """Classes and properties of the isic: namespace declared in the ontology."""
    terms = set()
    for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty):
        terms |= {s for s in graph.subjects(RDF.type, kind) if str(s).startswith(ISIC_PREFIX)}
    return terms


def isic_properties(graph):
    return {
        s
        for kind in (OWL.ObjectProperty, OWL.DatatypeProperty)
        for s in graph.subjects(RDF.type, kind)
        if str(s).startswith(ISIC_PREFIX)
    }


def langs(graph, subject, predicate):
    return {o.language for o in graph.objects(subject, predicate) if isinstance(o, Literal)}


def named_members(graph, node):
    """Named classes in a class expression: a name, or an owl:unionOf of names."""
    if isinstance(node, URIRef):
        return [node]
    union = graph.value(node, OWL.unionOf)
    assert union is not None, f"unexpected anonymous class expression {node}"
    return list(Collection(graph, union))


# --- Parsing -----------------------------------------------------------------

@pytest.mark.parametrize("path", vocabulary_files(), ids=lambda p: p.name)
def test_vocabulary_file_parses_identically_with_rdflib_and_pyoxigraph(path):
    rdflib_graph = Graph().parse(path, format="turtle")
    oxigraph_triples = list(pyoxigraph.parse(path=str(path), format=pyoxigraph.RdfFormat.TURTLE))
    assert len(rdflib_graph) > 20
    assert len(oxigraph_triples) == len(rdflib_graph)


def test_there_is_one_thesaurus_file_per_spec_scheme():
    assert {p.stem for p in thesaurus_files()} == set(SPEC_SCHEMES)


# --- Ontology header ---------------------------------------------------------

def test_ontology_header_has_version_bilingual_title_and_description(onto):
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in onto
    assert (ONTOLOGY_IRI, OWL.versionIRI, VERSION_IRI) in onto
    assert (ONTOLOGY_IRI, OWL.versionInfo, Literal("2.0.0")) in onto
    assert (ONTOLOGY_IRI, OWL.priorVersion, PRIOR_VERSION_IRI) in onto
    assert {"fr", "en"} <= langs(onto, ONTOLOGY_IRI, DCTERMS.title)
    assert {"fr", "en"} <= langs(onto, ONTOLOGY_IRI, DCTERMS.description)
    assert onto.value(ONTOLOGY_IRI, DCTERMS.created).datatype == XSD.date


def test_ontology_header_has_licence_and_namespace_metadata(onto):
    assert (ONTOLOGY_IRI, DCTERMS.license, CC_BY) in onto
    assert (ONTOLOGY_IRI, VANN.preferredNamespacePrefix, Literal("isic")) in onto
    assert (ONTOLOGY_IRI, VANN.preferredNamespaceUri, Literal(ISIC_PREFIX)) in onto


def test_ontology_creator_is_a_labelled_organisation(onto):
    creators = list(onto.objects(ONTOLOGY_IRI, DCTERMS.creator))
    assert creators
    for creator in creators:
        assert (creator, RDF.type, FOAF.Organization) in onto
        assert (creator, RDF.type, ORG.Organization) in onto
        assert {"fr", "en"} <= langs(onto, creator, RDFS.label)


def test_ontology_cites_the_article_it_is_grounded_in(onto):
    source = onto.value(ONTOLOGY_IRI, DCTERMS.source)
    assert source is not None
    citation = str(onto.value(source, DCTERMS.bibliographicCitation))
    assert "Revue française de service social" in citation
    publisher = onto.value(source, DCTERMS.publisher)
    assert (publisher, RDF.type, FOAF.Organization) in onto


# --- Classes and properties of the contract ----------------------------------

def test_every_spec_class_is_declared(onto):
    declared = {str(s)[len(ISIC_PREFIX):] for s in onto.subjects(RDF.type, OWL.Class)
                if str(s).startswith(ISIC_PREFIX)}
    assert SPEC_CLASSES <= declared
    assert declared == SPEC_CLASSES, f"undocumented extra classes: {declared - SPEC_CLASSES}"


def test_every_spec_object_property_is_an_owl_object_property(onto):
    for name in SPEC_OBJECT_PROPERTIES:
        assert (ISIC[name], RDF.type, OWL.ObjectProperty) in onto, name
        assert (ISIC[name], RDF.type, OWL.DatatypeProperty) not in onto, name


def test_every_spec_datatype_property_has_the_spec_range(onto):
    for name, datatype in SPEC_DATATYPE_PROPERTIES.items():
        assert (ISIC[name], RDF.type, OWL.DatatypeProperty) in onto, name
        assert set(onto.objects(ISIC[name], RDFS.range)) == {datatype}, name


def test_ontology_declares_no_property_outside_the_spec(onto):
    declared = {str(p)[len(ISIC_PREFIX):] for p in isic_properties(onto)}
    assert declared == SPEC_OBJECT_PROPERTIES | set(SPEC_DATATYPE_PROPERTIES)


def test_no_isic_term_is_used_without_being_declared(onto, thesauri):
    declared = isic_terms(onto)
    used = set()
    for graph in (onto, thesauri):
        for triple in graph:
            used |= {t for t in triple if isinstance(t, URIRef) and str(t).startswith(ISIC_PREFIX)}
    assert used - declared == set()


def test_every_isic_term_has_french_and_english_label_and_definition(onto):
    terms = isic_terms(onto)
    assert len(terms) == len(SPEC_CLASSES) + len(SPEC_OBJECT_PROPERTIES) + len(SPEC_DATATYPE_PROPERTIES)
    for term in terms:
        assert langs(onto, term, RDFS.label) == {"fr", "en"}, term
        assert langs(onto, term, SKOS.definition) == {"fr", "en"}, term
        for definition in onto.objects(term, SKOS.definition):
            assert len(definition) >= 25, f"definition of {term} looks like a placeholder"
            assert str(definition).lower() != str(onto.value(term, RDFS.label)).lower()


def test_every_isic_term_is_defined_by_the_ontology(onto):
    for term in isic_terms(onto):
        assert (term, RDFS.isDefinedBy, ONTOLOGY_IRI) in onto, term


def test_every_isic_property_has_domain_and_range(onto):
    for prop in isic_properties(onto):
        domains = list(onto.objects(prop, RDFS.domain))
        ranges = list(onto.objects(prop, RDFS.range))
        assert len(domains) == 1, prop
        assert len(ranges) == 1, prop
        for cls in named_members(onto, domains[0]):
            assert str(cls).startswith(ISIC_PREFIX), f"domain of {prop} must be an isic class"


def test_object_properties_range_over_classes_or_skos_concepts(onto):
    allowed_external = {SKOS.Concept, FOAF.Person}
    for prop in onto.subjects(RDF.type, OWL.ObjectProperty):
        if not str(prop).startswith(ISIC_PREFIX):
            continue
        for cls in named_members(onto, onto.value(prop, RDFS.range)):
            assert str(cls).startswith(ISIC_PREFIX) or cls in allowed_external, (prop, cls)
            assert (cls, RDF.type, OWL.Class) in onto, (prop, cls)


def test_concept_valued_properties_point_to_an_existing_scheme(onto, thesauri):
    for prop in onto.subjects(RDFS.range, SKOS.Concept):
        schemes = [s for s in onto.objects(prop, RDFS.seeAlso) if str(s).startswith(THESAURUS_BASE)]
        assert schemes, f"{prop} should name its concept scheme"
        for scheme in schemes:
            assert (scheme, RDF.type, SKOS.ConceptScheme) in thesauri, scheme


def test_language_tagged_texts_are_never_functional(onto):
    # A functional property cannot hold both a French and an English value.
    for prop in onto.subjects(RDFS.range, RDF.langString):
        assert (prop, RDF.type, OWL.FunctionalProperty) not in onto, prop


def test_single_valued_spec_properties_are_functional(onto):
    for name in ("roleType", "heldBy", "learnedFrom", "lessonCategory", "agent", "funder",
                 "inseeCode", "resourceType", "describes", "startDate", "endDate", "amount"):
        assert (ISIC[name], RDF.type, OWL.FunctionalProperty) in onto, name


# --- Alignments and OWL 2 DL hygiene -----------------------------------------

def test_main_classes_are_aligned_with_w3c_and_pair_vocabularies(onto):
    schema = Namespace("https://schema.org/")
    pair = Namespace("http://virtual-assembly.org/ontologies/pair#")
    dcat = Namespace("http://www.w3.org/ns/dcat#")
    expected = {
        ISIC.Actor: {PROV.Agent, FOAF.Agent, pair.Actor},
        ISIC.Organisation: {ORG.Organization, FOAF.Organization, schema.Organization},
        ISIC.Project: {PROV.Activity, pair.Project},
        ISIC.Lesson: {PROV.Entity, schema.CreativeWork},
        ISIC.CollectionSheet: {PROV.Entity, FOAF.Document},
        ISIC.KnowledgeResource: {dcat.Resource, schema.CreativeWork, pair.Document},
        ISIC.Territory: {DCTERMS.Location, schema.Place, pair.Place},
        ISIC.Partnership: {ORG.OrganizationalCollaboration},
        ISIC.Funding: {schema.MonetaryGrant},
    }
    for cls, supers in expected.items():
        assert supers <= set(onto.objects(cls, RDFS.subClassOf)), cls


def test_key_properties_are_aligned_with_w3c_vocabularies(onto):
    schema = Namespace("https://schema.org/")
    expected = {
        ISIC.theme: DCTERMS.subject,
        ISIC.territory: DCTERMS.spatial,
        ISIC.startDate: schema.startDate,
        ISIC.inseeCode: DCTERMS.identifier,
        ISIC.siret: DCTERMS.identifier,
        ISIC.rna: DCTERMS.identifier,
        ISIC.amount: schema.amount,
        ISIC.funder: schema.funder,
        ISIC.learnedFrom: PROV.wasInfluencedBy,
    }
    for prop, parent in expected.items():
        assert (prop, RDFS.subPropertyOf, parent) in onto, prop


def test_no_iri_is_declared_with_two_owl_property_kinds(onto):
    for subject in set(onto.subjects(RDF.type, None)):
        kinds = [k for k in DL_KINDS if (subject, RDF.type, k) in onto]
        assert len(kinds) <= 1, (subject, kinds)


def test_every_named_super_term_is_declared_with_a_compatible_kind(onto):
    for cls in onto.subjects(RDF.type, OWL.Class):
        for parent in onto.objects(cls, RDFS.subClassOf):
            if isinstance(parent, URIRef):
                assert (parent, RDF.type, OWL.Class) in onto, (cls, parent)
    for kind in (OWL.ObjectProperty, OWL.DatatypeProperty):
        for prop in onto.subjects(RDF.type, kind):
            for parent in onto.objects(prop, RDFS.subPropertyOf):
                if isinstance(parent, URIRef):
                    assert (parent, RDF.type, kind) in onto, (prop, parent)
                else:  # inverse property expression
                    assert kind == OWL.ObjectProperty
                    assert (onto.value(parent, OWL.inverseOf), RDF.type, OWL.ObjectProperty) in onto


def test_main_classes_are_pairwise_disjoint(onto):
    axioms = list(onto.subjects(RDF.type, OWL.AllDisjointClasses))
    assert len(axioms) == 1
    members = set(Collection(onto, onto.value(axioms[0], OWL.members)))
    assert {ISIC.Actor, ISIC.Project, ISIC.Lesson, ISIC.Territory, ISIC.UserGroup} <= members
    assert ISIC.Organisation not in members  # a network may also be an organisation


def test_owl_rl_closure_of_sample_data_respects_prov_and_org_disjointness(onto, thesauri):
    """Materialise a small sheet with the ontology; the alignments must not force
    any resource into two classes that PROV-O or ORG declare disjoint."""
    owlrl = pytest.importorskip("owlrl")
    sample = """
        @prefix isic: <https://w3id.org/isic/ontology#> .
        @prefix prov: <http://www.w3.org/ns/prov#> .
        @prefix ex:   <http://example.org/id/> .
        ex:sheet a isic:CollectionSheet ; isic:describes ex:project ;
            prov:wasAttributedTo ex:network .
        ex:network a isic:Network ; isic:member ex:centre .
        ex:centre a isic:Organisation .
        ex:project a isic:Project ; isic:carriedBy ex:centre ; isic:involves ex:worker ;
            isic:partnership ex:partnership ; isic:funding ex:funding ; isic:territory ex:t35238 ;
            isic:theme <https://w3id.org/isic/thesaurus/theme/housing> .
        ex:worker a isic:ProfessionalRole ; isic:affiliation ex:centre .
        ex:partnership a isic:Partnership ; isic:partner ex:pr1 ; isic:steeringCommittee ex:copil .
        ex:pr1 a isic:PartnerRole ; isic:agent ex:centre ;
            isic:role <https://w3id.org/isic/thesaurus/partner-role/funder> .
        ex:copil a isic:SteeringCommittee ; isic:member ex:pr1 , ex:worker .
        ex:funding a isic:Funding ; isic:funder ex:centre .
        ex:t35238 a isic:Territory ; isic:within ex:t35 .
        ex:t35 a isic:Territory ; isic:within ex:t53 .
        ex:lesson a isic:Lesson ; isic:learnedFrom ex:project ; isic:concerns ex:copil .
        ex:resource a isic:KnowledgeResource ; isic:about ex:project , ex:lesson .
        ex:project isic:userGroup ex:group ; isic:drewOn ex:other , ex:resource ; isic:previousEdition ex:other ;
            isic:inKind ex:minibus ; isic:familyAid ex:aid ; isic:keyMoment ex:first-meeting .
        ex:other a isic:Project .
        ex:group a isic:UserGroup .
        ex:seat a isic:Participation ; isic:participant ex:group ; isic:participatesIn ex:copil ;
            isic:participationLevel <https://w3id.org/isic/thesaurus/participation-level/co-deciding> .
        ex:pseat a isic:Participation ; isic:participant ex:worker ; isic:participatesIn ex:partnership .
        ex:copil isic:committeeMember ex:pr1 , ex:worker .
        ex:network isic:networkMember ex:centre , ex:adherents .
        ex:adherents a isic:ProfessionalRole .
        ex:evaluation a isic:Evaluation ; isic:forProject ex:project ; isic:heldWith ex:group , ex:centre .
        ex:lesson isic:drawnUpBy ex:group ; isic:capturedDuring ex:evaluation ; isic:concerns ex:group , ex:centre ,
            ex:worker , ex:seat ; isic:resolves ex:lesson2 .
        ex:lesson2 a isic:Lesson ; isic:learnedFrom ex:project .
        ex:minibus a isic:InKindContribution ; isic:contributor ex:centre .
        ex:aid a isic:FamilyAid ; isic:aidProvider ex:centre .
        ex:first-meeting a isic:Milestone .
        ex:centre isic:formedFrom ex:group .
    """
    disjointness = """
        @prefix owl:  <http://www.w3.org/2002/07/owl#> .
        @prefix prov: <http://www.w3.org/ns/prov#> .
        @prefix org:  <http://www.w3.org/ns/org#> .
        prov:Entity owl:disjointWith prov:Activity .
        org:Organization owl:disjointWith org:Role , org:Membership .
        org:Role owl:disjointWith org:Membership .
    """
    graph = Graph()
    graph += onto
    graph += thesauri
    graph.parse(data=sample, format="turtle")
    graph.parse(data=disjointness, format="turtle")
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(graph)

    ex = Namespace("http://example.org/id/")
    for left, right in graph.subject_objects(OWL.disjointWith):
        clash = set(graph.subjects(RDF.type, left)) & set(graph.subjects(RDF.type, right))
        assert not clash, f"{clash} typed both {left} and {right}"
    assert (ex.project, RDF.type, PROV.Activity) in graph
    assert (ex.lesson, RDF.type, PROV.Entity) in graph
    assert (ex.lesson, PROV.wasInfluencedBy, ex.project) in graph
    assert (ex.project, PROV.wasAssociatedWith, ex.centre) in graph
    assert (ex.pr1, ORG.organization, ex.partnership) in graph
    assert (ex.worker, ORG.memberOf, ex.centre) in graph
    assert (ex.t35238, ISIC.within, ex.t53) in graph
    assert (ex.pr1, RDF.type, FOAF.Agent) not in graph
    # second edition: users are agents of the project, of an evaluation and of a lesson, never persons
    entailed = [(ex.project, PROV.wasAssociatedWith, ex.group), (ex.group, RDF.type, PROV.Agent),
                (ex.lesson, PROV.wasAttributedTo, ex.group), (ex.lesson, PROV.wasGeneratedBy, ex.evaluation),
                (ex.evaluation, RDF.type, PROV.Activity), (ex.evaluation, PROV.wasAssociatedWith, ex.group),
                (ex.seat, ORG.member, ex.group), (ex.seat, ORG.organization, ex.copil),
                (ex.project, PROV.wasInfluencedBy, ex.other), (ex.network, ORG.hasMember, ex.adherents)]
    assert [t for t in entailed if t not in graph] == []
    for thing in (ex.group, ex.seat, ex.pr1, ex.adherents, ex.minibus, ex.aid):
        assert (thing, RDF.type, FOAF.Person) not in graph, thing
        assert (thing, RDF.type, SCHEMA_PERSON) not in graph, thing
    for thing in (ex.seat, ex.pr1):
        assert (thing, RDF.type, FOAF.Agent) not in graph, thing


SCHEMA_PERSON = URIRef("https://schema.org/Person")


def test_superseded_first_edition_terms_stay_deprecated_with_their_replacements(onto, thesauri):
    replaced = {
        ISIC.member: {ISIC.networkMember, ISIC.committeeMember},
        ISIC.transferableTo: {ISIC.transferableToTerritory, ISIC.transferableToTheme},
        ISIC.roleType: {ISIC.profession, ISIC.function, ISIC.roleStatus},
    }
    for old, new in replaced.items():
        assert (old, OWL.deprecated, Literal(True)) in onto, old
        assert set(onto.objects(old, DCTERMS.isReplacedBy)) == new, old
        assert (old, RDFS.isDefinedBy, ONTOLOGY_IRI) in onto  # still declared: extend, don't rename
    employing = URIRef(THESAURUS_BASE + "actor-type/employing-institution")
    assert (employing, OWL.deprecated, Literal(True)) in thesauri
    assert (employing, DCTERMS.isReplacedBy, URIRef(THESAURUS_BASE + "partner-role/employing-institution")) in thesauri


def test_every_social_work_profession_is_under_social_worker(thesauri):
    broader = URIRef(THESAURUS_BASE + "profession/social-worker")
    narrower = set(thesauri.subjects(SKOS.broader, broader))
    assert {URIRef(THESAURUS_BASE + f"profession/{c}") for c in (
        "social-service-assistant", "specialised-educator", "family-economic-counsellor")} <= narrower
    assert Literal("Social worker", lang="en") in set(thesauri.objects(broader, SKOS.prefLabel))


def test_project_is_no_longer_a_schema_organisation_by_subclassing(onto):
    assert (ISIC.Project, RDFS.subClassOf, URIRef("https://schema.org/Project")) not in onto


# --- Thesauri ----------------------------------------------------------------

def concepts(graph):
    return set(graph.subjects(RDF.type, SKOS.Concept))


def test_each_thesaurus_file_holds_exactly_its_own_scheme():
    for path in thesaurus_files():
        graph = Graph().parse(path, format="turtle")
        schemes = set(graph.subjects(RDF.type, SKOS.ConceptScheme))
        assert schemes == {URIRef(THESAURUS_BASE + path.stem)}, path.name
        for concept in concepts(graph):
            assert str(concept).startswith(THESAURUS_BASE + path.stem + "/"), concept


def test_every_scheme_has_bilingual_labels_title_and_licence(thesauri):
    for scheme in thesauri.subjects(RDF.type, SKOS.ConceptScheme):
        assert langs(thesauri, scheme, SKOS.prefLabel) == {"fr", "en"}, scheme
        assert langs(thesauri, scheme, DCTERMS.title) == {"fr", "en"}, scheme
        assert (scheme, DCTERMS.license, CC_BY) in thesauri, scheme


def test_every_concept_is_in_exactly_one_scheme(thesauri):
    assert concepts(thesauri)
    for concept in concepts(thesauri):
        assert len(list(thesauri.objects(concept, SKOS.inScheme))) == 1, concept


def test_every_concept_has_french_and_english_preflabel_and_definition(thesauri):
    for concept in concepts(thesauri):
        assert langs(thesauri, concept, SKOS.prefLabel) == {"fr", "en"}, concept
        assert len(list(thesauri.objects(concept, SKOS.prefLabel))) == 2, concept
        assert langs(thesauri, concept, SKOS.definition) == {"fr", "en"}, concept


def test_spec_concept_codes_exist_with_matching_iri_and_notation(thesauri):
    for scheme_slug, codes in SPEC_SCHEMES.items():
        scheme = URIRef(THESAURUS_BASE + scheme_slug)
        for code in codes:
            concept = URIRef(f"{THESAURUS_BASE}{scheme_slug}/{code}")
            assert (concept, RDF.type, SKOS.Concept) in thesauri, concept
            assert (concept, SKOS.inScheme, scheme) in thesauri, concept
            assert (concept, SKOS.topConceptOf, scheme) in thesauri, concept


def test_every_concept_notation_is_its_iri_code(thesauri):
    for concept in concepts(thesauri):
        notations = list(thesauri.objects(concept, SKOS.notation))
        assert notations == [Literal(str(concept).rsplit("/", 1)[1])], concept


def test_every_scheme_has_top_concepts_that_point_back(thesauri):
    for scheme in thesauri.subjects(RDF.type, SKOS.ConceptScheme):
        tops = set(thesauri.objects(scheme, SKOS.hasTopConcept))
        assert tops, scheme
        assert tops == set(thesauri.subjects(SKOS.topConceptOf, scheme)), scheme
        for top in tops:
            assert (top, SKOS.inScheme, scheme) in thesauri, top


def test_hierarchy_is_consistent_and_only_roots_are_top_concepts(thesauri):
    for concept in concepts(thesauri):
        broader = set(thesauri.objects(concept, SKOS.broader))
        is_top = thesauri.value(concept, SKOS.topConceptOf) is not None
        assert is_top != bool(broader), concept
        for parent in broader:
            assert (parent, SKOS.narrower, concept) in thesauri, concept
            assert thesauri.value(parent, SKOS.inScheme) == thesauri.value(concept, SKOS.inScheme)
    for parent, child in thesauri.subject_objects(SKOS.narrower):
        assert (child, SKOS.broader, parent) in thesauri


def test_related_concepts_are_symmetric_and_not_hierarchical(thesauri):
    for left, right in thesauri.subject_objects(SKOS.related):
        assert (right, SKOS.related, left) in thesauri
        assert (left, SKOS.broader, right) not in thesauri
        assert (right, SKOS.broader, left) not in thesauri


def test_preferred_labels_are_unique_per_language_within_a_scheme(thesauri):
    for scheme in thesauri.subjects(RDF.type, SKOS.ConceptScheme):
        seen = set()
        for concept in thesauri.subjects(SKOS.inScheme, scheme):
            for label in thesauri.objects(concept, SKOS.prefLabel):
                key = (label.language, str(label).lower())
                assert key not in seen, (scheme, label)
                seen.add(key)
            assert not set(thesauri.objects(concept, SKOS.prefLabel)) & set(
                thesauri.objects(concept, SKOS.altLabel)), concept


def test_theme_scheme_has_at_least_fifteen_concepts(thesauri):
    theme = URIRef(THESAURUS_BASE + "theme")
    assert len(set(thesauri.subjects(SKOS.inScheme, theme))) >= 15


# --- JSON-LD context ---------------------------------------------------------

def test_context_is_json_ld_1_1_with_the_shared_prefixes(context):
    assert context["@version"] == 1.1
    assert context["id"] == "@id"
    assert context["type"] == "@type"
    assert context["isic"] == ISIC_PREFIX
    for prefix, iri in {"skos": SKOS, "dcterms": DCTERMS, "prov": PROV, "foaf": FOAF,
                        "xsd": XSD, "rdfs": RDFS, "org": ORG}.items():
        assert context[prefix] == str(iri), prefix
    assert context["schema"] == "https://schema.org/"
    assert context["dcat"] == "http://www.w3.org/ns/dcat#"
    for scheme in SPEC_SCHEMES:
        assert context["th-" + scheme] == f"{THESAURUS_BASE}{scheme}/"


def term_iri(context, term):
    definition = context[term]
    curie = definition if isinstance(definition, str) else definition["@id"]
    prefix, local = curie.split(":", 1)
    return URIRef(context[prefix] + local)


def test_context_has_a_term_named_after_every_isic_class_and_property(onto, context):
    for term in isic_terms(onto):
        local = str(term)[len(ISIC_PREFIX):]
        assert local in context, local
        assert term_iri(context, local) == term, local


def test_context_term_definitions_match_the_ontology_ranges(onto, context):
    expected_type = {XSD.date: "xsd:date", XSD.boolean: "xsd:boolean",
                     XSD.integer: "xsd:integer", XSD.decimal: "xsd:decimal"}
    for prop in isic_properties(onto):
        definition = context[str(prop)[len(ISIC_PREFIX):]]
        rng = onto.value(prop, RDFS.range)
        if (prop, RDF.type, OWL.ObjectProperty) in onto:
            assert definition["@type"] == "@id", prop
        elif rng == RDF.langString:
            assert definition["@container"] == "@language", prop
        elif rng in expected_type:
            assert definition["@type"] == expected_type[rng], prop
        else:  # plain strings (identifiers, codes)
            assert isinstance(definition, str), prop


def test_context_maps_common_terms_to_w3c_properties(context):
    assert term_iri(context, "title") == DCTERMS.title
    assert context["title"]["@container"] == "@language"
    assert term_iri(context, "description") == DCTERMS.description
    assert term_iri(context, "label") == RDFS.label
    assert term_iri(context, "subject") == DCTERMS.subject
    assert term_iri(context, "wasAttributedTo") == PROV.wasAttributedTo
    assert term_iri(context, "downloadURL") == URIRef("http://www.w3.org/ns/dcat#downloadURL")
    assert term_iri(context, "homepage") == FOAF.homepage
    assert context["created"]["@type"] == "xsd:date"


SAMPLE_DOCUMENT = {
    "@graph": [
        {
            "id": "http://example.org/id/project/les-incompris",
            "type": "Project",
            "title": {"fr": "Les Incompris", "en": "The Misunderstood"},
            "genesis": {"fr": ["Des situations individuelles similaires."]},
            "emergedFromIndividualSituations": True,
            "startDate": "2013-09-01",
            "theme": ["th-theme:access-to-rights", "th-theme:citizenship"],
            "carriedBy": "http://example.org/id/organisation/ccas",
            "funding": {"id": "http://example.org/id/funding/f1", "type": "Funding",
                        "amount": "1500.50", "funder": "http://example.org/id/organisation/caf"},
            "userGroup": {"id": "http://example.org/id/group/g1", "type": "UserGroup",
                          "groupSize": 12, "public": "th-public:families"},
        },
        {
            "id": "http://example.org/id/organisation/ccas",
            "type": "Organisation",
            "label": "CCAS",
            "siret": "12345678900011",
            "actorType": "th-actor-type:public-service",
        },
    ]
}


def expected_sample_triples():
    ex = "http://example.org/id/"
    project = URIRef(ex + "project/les-incompris")
    return project, {
        (project, RDF.type, ISIC.Project),
        (project, DCTERMS.title, Literal("Les Incompris", lang="fr")),
        (project, DCTERMS.title, Literal("The Misunderstood", lang="en")),
        (project, ISIC.genesis, Literal("Des situations individuelles similaires.", lang="fr")),
        (project, ISIC.emergedFromIndividualSituations, Literal("true", datatype=XSD.boolean)),
        (project, ISIC.startDate, Literal("2013-09-01", datatype=XSD.date)),
        (project, ISIC.theme, URIRef(THESAURUS_BASE + "theme/access-to-rights")),
        (project, ISIC.carriedBy, URIRef(ex + "organisation/ccas")),
        (URIRef(ex + "funding/f1"), ISIC.amount, Literal("1500.50", datatype=XSD.decimal)),
        (URIRef(ex + "group/g1"), ISIC.groupSize, Literal("12", datatype=XSD.integer)),
        (URIRef(ex + "group/g1"), ISIC.public, URIRef(THESAURUS_BASE + "public/families")),
        (URIRef(ex + "organisation/ccas"), RDFS.label, Literal("CCAS")),
        (URIRef(ex + "organisation/ccas"), ISIC.siret, Literal("12345678900011")),
        (URIRef(ex + "organisation/ccas"), ISIC.actorType,
         URIRef(THESAURUS_BASE + "actor-type/public-service")),
    }


@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")
def test_context_expands_a_sample_document_with_rdflib(context):
    document = {"@context": context, **SAMPLE_DOCUMENT}
    graph = Graph().parse(data=json.dumps(document), format="json-ld")
    project, expected = expected_sample_triples()
    missing = expected - set(graph)
    assert not missing, missing
    assert len(graph) == 21


def test_context_expands_a_sample_document_with_pyoxigraph(context):
    document = {"@context": context, **SAMPLE_DOCUMENT}
    quads = list(pyoxigraph.parse(json.dumps(document).encode("utf-8"),
                                  format=pyoxigraph.RdfFormat.JSON_LD))
    assert len(quads) == 21
    title = pyoxigraph.NamedNode(str(DCTERMS.title))
    assert pyoxigraph.Literal("Les Incompris", language="fr") in {
        q.object for q in quads if q.predicate == title}

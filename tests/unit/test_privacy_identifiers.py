"""An identifier (a slug: words joined by `-`, `_` or `.`) spelling an e-mail address with its punctuation made dashes
is personal data wherever an IRI is checked: `{base}id/funding/jean-dupont-gmail-com` publishes the address. An
organisation or a project named after a mail provider, or with `at` or `chez` in its name, is no address."""

from __future__ import annotations

import re

import pytest

from isic_graph.privacy import (
    EMAIL_ADDRESS,
    MAIL_PROVIDERS,
    PROVIDER_DOMAINS,
    address_in_identifier,
    personal_data_in_iri,
)
from tests.support import paths

BASE = "https://isic.example.org/"
ADDRESSES = [
    "jean-dupont-arobase-gmail-com", "jean-dupont-at-gmail-com", "jean-dupont-gmail-com", "jean-dupont-chez-gmail-com",
    "jean_dupont_at_hotmail_fr", "jean.dupont.yahoo.fr", "marie-martin-outlook-fr", "mmartin35-orange-fr",
    "jean-dupont-wanadoo-fr", "contact-free-fr", "j-dupont-laposte-net", "jean-sfr-fr", "jean-dupont-icloud-com",
    "jean-dupont-protonmail-com", "jean-at-orange-fr-2024",
    "jean-gmx-fr", "jean-dupont-live-fr", "marie-aol-com", "jean-hotmail-co-uk",
    "JEAN-DUPONT-GMAIL-COM", "fin-jean-dupont-gmail-com-2024", "jean-dupont-arobase-gmail", "jean-at-yahoo",
    "jean-arobase-exemple-fr", "jean-dupont-at-mairie-rennes-fr", "marie-chez-centre-social-org",
    "jean-dupont@gmail-com", "jean-dupont%40gmail-com", "jean--dupont--gmail--com", "jean-dupont-proton-me",
]
# plausible identifiers of French organisations, projects, lessons, fundings and partnerships
ORGANISATIONS = """
fondation-orange orange-solidarite free-compagnie atelier-at-home caf-35 centre-social-at-rennes la-poste laposte-35
fondation-la-poste groupe-la-poste la-poste-solidarite sfr-foundation fondation-sfr free-mobile-partenariat
orange-digital-center orange-fr gmail-com free-fr laposte-net www-free-fr site-orange-fr live-nation
caf-de-paris caf-33 caf-ille-et-vilaine cpam-35 msa-bretagne ars-bretagne ccas-rennes ccas-de-lyon mairie-de-lille
ville-de-nantes departement-35 conseil-departemental-ille-et-vilaine region-bretagne prefecture-35 ddets-35
fcsf anas uriopss-bretagne uniopss secours-populaire-35 secours-catholique-rennes restos-du-coeur-35
emmaus-france emmaus-solidarite croix-rouge-francaise croix-rouge-35 apf-france-handicap unaf udaf-35
fondation-abbe-pierre fondation-de-france fondation-orange-solidarite fondation-free fondation-sncf
fondation-edf fondation-macif
fondation-credit-agricole fondation-bnp-paribas fondation-societe-generale fondation-vinci fondation-total
centre-social-cleunay centre-social-maurepas centre-social-du-blosne centre-social-les-champs-manceaux
maison-de-quartier-villejean maison-des-familles-rennes maison-des-jeunes-et-de-la-culture mjc-bretagne
mjc-at-home espace-social-commun-at-villejean atelier-chez-soi repas-chez-nous vacances-chez-soi cafe-chez-marie
chez-nous-paris chez-mamie-lyon chez-paul-traiteur at-home-services atelier-at-home-2024 le-live-de-quartier
orange-vaucluse ville-d-orange mairie-orange centre-social-orange ccas-d-orange free-party-prevention
live-music-rennes festival-live-35 free-style-danse me-too-rennes aol-archives gmx-partenaire yahoo-groupe
hotmail-ancien outlook-formation-numerique icloud-atelier-photo proton-therapie zoho-crm-projet
projet-vacances-familles projet-jardins-partages jardin-partage-des-lilas potager-collectif-35
les-incompris collectif-des-locataires collectif-de-locataires-maurepas conseil-citoyen-villejean
vacances-familles-lille vacances-familles-2024 sorties-familiales-ete-2023 accompagnement-scolaire-cp
aide-aux-devoirs-college soutien-parentalite parentalite-numerique cafe-des-parents lieu-accueil-enfants-parents
laep-les-petits-pas creche-parentale-les-lutins halte-garderie-arc-en-ciel ram-rennes-nord relais-petite-enfance
epicerie-solidaire-35 epicerie-sociale-du-blosne banque-alimentaire-35 jardin-d-insertion chantier-d-insertion
atelier-velo-solidaire recyclerie-du-pays-de-rennes ressourcerie-la-petite-rockette repair-cafe-rennes
mobilite-solidaire-35 auto-ecole-sociale plateforme-mobilite garage-solidaire transport-a-la-demande
point-info-famille point-accueil-ecoute-jeunes point-d-acces-au-droit maison-france-services france-services-35
acces-aux-droits permanence-juridique ecrivain-public atelier-numerique-seniors inclusion-numerique-35
conseiller-numerique-france-services fablab-solidaire emmaus-connect emmaus-connect-rennes wimoov
insertion-professionnelle-jeunes mission-locale-rennes mission-locale-35 garantie-jeunes contrat-engagement-jeune
e2c-rennes epide-35 pole-emploi-35 france-travail-35 cap-emploi plie-rennes siae-35 aci-bretagne
logement-d-abord pension-de-famille residence-sociale-les-tilleuls foyer-jeunes-travailleurs fjt-rennes
habitat-et-humanisme habitat-humanisme-35 soliha-bretagne adil-35 cllaj-rennes hebergement-d-urgence-115
maraude-sociale samu-social-35 accueil-de-jour-rennes bains-douches-municipaux laverie-solidaire
sante-mentale-et-precarite gem-rennes groupe-d-entraide-mutuelle pass-psy clsm-rennes maison-des-adolescents
mda-35 planning-familial-35 violences-conjugales-ecoute france-victimes-35 cidff-35 solidarite-femmes-rennes
lutte-contre-l-isolement monalisa-35 petits-freres-des-pauvres visite-a-domicile-seniors aidants-familiaux
plateforme-de-repit france-alzheimer-35 accueil-des-migrants cada-rennes huda-35 francais-langue-etrangere
atelier-socio-linguistique asl-maurepas cours-de-francais-adultes alphabetisation-rennes
culture-pour-tous cultures-du-coeur-35 sortir-rennes bibliotheque-de-rue lecture-pour-tous musique-en-famille
sport-pour-tous sport-sante-35 ufolep-35 usep-bretagne educ-sport-quartiers
budget-familial-accompagnement point-conseil-budget pcb-rennes microcredit-personnel creasol-35
fin-caf-2024 fin-departement-2023 financement-region-2024 fin-fondation-orange-2024 fin-fondation-de-france
subvention-ville-2024 fonds-social-europeen fse-plus-2024 fdva-2024 politique-de-la-ville-2024 contrat-de-ville
part-caf-35 partenariat-mairie-rennes part-fondation-free partenariat-la-poste-2024 part-orange-solidarite
lesson-mobilisation-des-familles lecon-travail-en-reseau enseignement-co-construction lesson-evaluation-participative
enseignement-aller-vers lesson-pouvoir-d-agir lecon-partenariat-bailleurs enseignement-benevolat
reseau-anas reseau-fcsf reseau-action-sociale-35 federation-des-centres-sociaux union-des-centres-sociaux-35
uncs federation-familles-rurales familles-rurales-35 apprentis-d-auteuil secours-islamique-france
les-petites-cantines tiers-lieu-solidaire la-cantine-du-quartier jardin-au-coin-de-la-rue le-bocal-at-work
coworking-at-rennes atelier-at-work home-at-last meet-at-school chez-soi-d-abord un-chez-soi-d-abord
collectif-at-home-35 radio-live-fr-2024 web-free-fr-archives www-orange-fr http-laposte-net
association-1901-rennes asso-35-238 w351234567 rna-w351001234 siret-12345678200010 commune-35238 epci-243500139
""".split()


@pytest.mark.parametrize("identifier", ADDRESSES)
def test_an_identifier_spelling_an_address_is_refused_in_any_iri(identifier: str) -> None:
    assert address_in_identifier(identifier)
    for iri in (f"{BASE}id/funding/{identifier}", f"{BASE}id/project/{identifier}#x", f"urn:x:{identifier}",
                f"https://exemple.fr/partenaires?id={identifier}"):
        assert personal_data_in_iri(iri) == [EMAIL_ADDRESS], iri


def test_organisation_and_project_identifiers_pass() -> None:
    assert len(ORGANISATIONS) >= 200
    assert [slug for slug in ORGANISATIONS if address_in_identifier(slug)] == []
    assert [slug for slug in ORGANISATIONS if personal_data_in_iri(f"{BASE}id/organisation/{slug}")] == []


def test_web_addresses_of_mail_providers_pass() -> None:
    """A host is a web site's name, not an address, and so is the host of an IRI written in a path."""
    for iri in ("https://assistance.orange.fr/mail", "https://www.laposte.net/accueil", "https://mail.google.com/",
                "https://web.archive.org/web/2020/https://assistance.free.fr/", f"{BASE}id/organisation/gmail-com"):
        assert personal_data_in_iri(iri) == [], iri


def test_the_samples_identifiers_pass() -> None:
    slugs = {slug for path in (paths.ROOT / "samples").rglob("*") if path.is_file() and path.suffix in (".csv", ".ttl")
             for slug in re.findall(r"[\w.-]+", path.read_text(encoding="utf-8"))}
    assert len(slugs) > 500
    assert [slug for slug in slugs if address_in_identifier(slug)] == []


def test_every_mail_provider_has_its_domains() -> None:
    assert set(MAIL_PROVIDERS) <= set(PROVIDER_DOMAINS)

# Second edition, step 2: isic:transferableTo mixed territories and themes in its range. Restate each value with
# isic:transferableToTheme (a concept of the theme scheme) or isic:transferableToTerritory (anything else: the
# first edition's shapes accepted only a theme or a described territory there).
# The first-edition triples are kept; the step is idempotent.
PREFIX isic: <https://w3id.org/isic/ontology#>

INSERT { GRAPH ?g { ?lesson isic:transferableToTheme ?target } }
WHERE {
  GRAPH ?g { ?lesson isic:transferableTo ?target }
  FILTER(STRSTARTS(STR(?target), "https://w3id.org/isic/thesaurus/theme/"))
} ;

INSERT { GRAPH ?g { ?lesson isic:transferableToTerritory ?target } }
WHERE {
  GRAPH ?g { ?lesson isic:transferableTo ?target }
  FILTER(isIRI(?target) && !STRSTARTS(STR(?target), "https://w3id.org/isic/thesaurus/"))
}

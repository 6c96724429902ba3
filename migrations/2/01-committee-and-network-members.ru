# Second edition, step 1: isic:member served two unrelated relations. Restate each use with its specific property:
# a steering committee's members with isic:committeeMember, a network's with isic:networkMember.
# The first-edition triples are kept; inserting a triple that exists changes nothing (the step is idempotent).
PREFIX isic: <https://w3id.org/isic/ontology#>

INSERT { GRAPH ?g { ?committee isic:committeeMember ?member } }
WHERE {
  GRAPH ?g { ?committee isic:member ?member }
  FILTER EXISTS { GRAPH ?anyGraph { ?committee a isic:SteeringCommittee } }
} ;

INSERT { GRAPH ?g { ?network isic:networkMember ?member } }
WHERE {
  GRAPH ?g { ?network isic:member ?member }
  FILTER EXISTS { GRAPH ?anyGraph { ?network a isic:Network } }
}

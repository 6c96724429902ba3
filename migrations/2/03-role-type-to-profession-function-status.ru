# Second edition, step 3: the role-type scheme mixed professions, functions and statuses, one per role. Restate
# each role's type as what it was: a profession (isic:profession), a function in the project (isic:function) or
# a standing (isic:roleStatus). « Encadrement / responsable associatif » (manager) becomes the function
# « soutien institutionnel », the first edition's meaning of it in the samples; a sheet that meant an association
# leader can add the function « responsable associatif ». The role type itself is kept; the step is idempotent.
PREFIX isic: <https://w3id.org/isic/ontology#>

INSERT { GRAPH ?g { ?role ?property ?value } }
WHERE {
  VALUES (?roleType ?property ?value) {
    (<https://w3id.org/isic/thesaurus/role-type/social-worker> isic:profession
     <https://w3id.org/isic/thesaurus/profession/social-service-assistant>)
    (<https://w3id.org/isic/thesaurus/role-type/specialised-educator> isic:profession
     <https://w3id.org/isic/thesaurus/profession/specialised-educator>)
    (<https://w3id.org/isic/thesaurus/role-type/family-economic-counsellor> isic:profession
     <https://w3id.org/isic/thesaurus/profession/family-economic-counsellor>)
    (<https://w3id.org/isic/thesaurus/role-type/health-professional> isic:profession
     <https://w3id.org/isic/thesaurus/profession/health-professional>)
    (<https://w3id.org/isic/thesaurus/role-type/other-professional> isic:profession
     <https://w3id.org/isic/thesaurus/profession/other-profession>)
    (<https://w3id.org/isic/thesaurus/role-type/elected-official> isic:roleStatus
     <https://w3id.org/isic/thesaurus/role-status/elected-official>)
    (<https://w3id.org/isic/thesaurus/role-type/volunteer> isic:roleStatus
     <https://w3id.org/isic/thesaurus/role-status/volunteer>)
    (<https://w3id.org/isic/thesaurus/role-type/coordinator> isic:function
     <https://w3id.org/isic/thesaurus/function/partnership-coordination>)
    (<https://w3id.org/isic/thesaurus/role-type/facilitator> isic:function
     <https://w3id.org/isic/thesaurus/function/group-facilitation>)
    (<https://w3id.org/isic/thesaurus/role-type/manager> isic:function
     <https://w3id.org/isic/thesaurus/function/institutional-backing>)
  }
  GRAPH ?g { ?role isic:roleType ?roleType }
  # a profession and a standing are single-valued: a role that already states one keeps it
  FILTER(?property = isic:function || NOT EXISTS { GRAPH ?anyGraph { ?role ?property ?stated } })
}

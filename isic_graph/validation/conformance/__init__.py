"""A fast proof of conformance: the shapes compiled to Python checks over pyoxigraph terms.

`compile_shapes` reads the SHACL shapes graph once and builds checks for the core constraints the
shapes use (targetClass; class, datatype, nodeKind, minCount, maxCount, or, node, not, uniqueLang,
languageIn, hasValue, pattern, minLength, minInclusive, lessThanOrEquals, closed with
ignoredProperties; IRI and inverse paths). It refuses, with `UnsupportedShapes`, any shapes graph
using something else, so that an edit of the shapes can never silently weaken validation: the
caller then validates everything with pySHACL.

`CompiledShapes.results` gives the (focus node, path, constraint component) of every top-level
result, as pySHACL reports them. It is meant as a proof: an empty answer means the data conforms;
where pySHACL's comparison rules are subtle (sh:minInclusive, sh:lessThanOrEquals) a value that is
not plainly within bounds is reported, so that the caller validates with pySHACL, whose report is
the one shown. `Facts` indexes the data the way rdflib sees it (literals normalised as rdflib
normalises them, ill-typed ones flagged).
"""

from isic_graph.validation.conformance.checks import CompiledShapes, Result
from isic_graph.validation.conformance.compiler import UnsupportedShapes, compile_shapes
from isic_graph.validation.conformance.facts import Facts

__all__ = ["CompiledShapes", "Facts", "Result", "UnsupportedShapes", "compile_shapes"]

"""The tokens of a SPARQL text, by the terminals of the SPARQL 1.1 grammar, and the text written back from them.

There is one reading of a text: this one. Every check (SERVICE, LOAD, the dataset, the query form,
nesting, the cache key) reads these tokens, and the engine receives only `write(tokens)`, never the
client's text. Writing back is what makes the reading the engine's too:

- codepoint escapes (\\uXXXX) are decoded inside strings and IRIs only, as Oxigraph does; anywhere else a
  backslash fits no token and the text is refused. The written text has no codepoint escape in any
  string, so an engine that decodes escapes over the whole text (as SPARQL 1.1 allows) reads it the same;
- a sign is written joined to the number it signs wherever it cannot be an operator (`- 1` in a pattern or in
  data is `-1`: the engine read it apart as the literal "- 1"^^xsd:integer), and SPARQL 1.2's `<<(` and `)>>`
  are one token each, as the engine reads them;
- strings are written in one form ("…", quotes, backslashes and line breaks escaped), comments are left
  out, and tokens are separated by one space on a single line;
- `<` is read as an IRI wherever an IRI could stand there, and as an operator otherwise. Where the engine
  reads an operator (`FILTER(?a<?b&&?c>?d)`), what was read as an IRI holds neither a quote (written
  \\u0027) nor a comment that could end before the end of the text (there is one line), so no string,
  comment or IRI can start inside it for the engine: the tokens after it are the same in both readings.
"""

from __future__ import annotations

import re
from typing import NamedTuple, Sequence

from isic_graph.errors import UsageError

# The grammar's character classes (SPARQL 1.1, section 19.8).
PN_CHARS_BASE = ("A-Za-z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u02FF\u0370-\u037D\u037F-\u1FFF\u200C-\u200D"
                 "\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD\U00010000-\U000EFFFF")
PN_CHARS_U = PN_CHARS_BASE + "_"
PN_CHARS = PN_CHARS_U + "\\-0-9\u00B7\u0300-\u036F\u203F-\u2040"
VARNAME = f"[{PN_CHARS_U}0-9][{PN_CHARS_U}0-9\u00B7\u0300-\u036F\u203F-\u2040]*"
PLX = r"(?:%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%])"
PN_PREFIX = f"[{PN_CHARS_BASE}](?:[{PN_CHARS}.]*[{PN_CHARS}])?"
PN_LOCAL = f"(?:[{PN_CHARS_U}:0-9]|{PLX})(?:(?:[{PN_CHARS}.:]|{PLX})*(?:[{PN_CHARS}:]|{PLX}))?"
HEX = "[0-9A-Fa-f]"
UCHAR = f"\\\\u{HEX}{{4}}|\\\\U{HEX}{{8}}"
ECHAR = "\\\\[tbnrf\"'\\\\]"

TERMINALS = [
    ("comment", r"#[^\r\n]*"),
    # a word no prefixed name can continue (most keywords): read as a word at once, as it would be once the
    # prefixed name failed, without trying the prefixed name's patterns on it first
    ("keyword", f"[A-Za-z_][A-Za-z0-9_]*(?![{PN_CHARS}.:])"),
    ("string",
     f"'''(?:(?:''|')?(?:[^'\\\\]|{ECHAR}|{UCHAR}))*'''|\"\"\"(?:(?:\"\"|\")?(?:[^\"\\\\]|{ECHAR}|{UCHAR}))*\"\"\""
               f"|'(?:[^'\\\\\\n\\r]|{ECHAR}|{UCHAR})*'|\"(?:[^\"\\\\\\n\\r]|{ECHAR}|{UCHAR})*\""),
    ("iri", f"<(?:[^<>\"{{}}|^`\\\\\\x00-\\x20]|{UCHAR})*>"),
    ("var", f"[?$]{VARNAME}"),
    ("bnode", f"_:[{PN_CHARS_U}0-9](?:[{PN_CHARS}.]*[{PN_CHARS}])?"),
    ("pname", f"(?:{PN_PREFIX})?:(?:{PN_LOCAL})?"),
    # a sign set right before the digits is the number's own (the grammar's NumericLiteralPositive / Negative
    # terminals): written apart, `- 1` was read by the engine as the literal "- 1"^^xsd:integer in a pattern
    ("number",
     r"[+-]?(?:[0-9]+\.[0-9]*[eE][+-]?[0-9]+|\.[0-9]+[eE][+-]?[0-9]+|[0-9]+[eE][+-]?[0-9]+|[0-9]*\.[0-9]+|[0-9]+)"),
    ("lang", r"@[A-Za-z]+(?:-[A-Za-z0-9]+)*(?:--[A-Za-z]+)?"),
    ("word", r"[A-Za-z_][A-Za-z0-9_]*"),
    ("punct", r"\^\^|&&|\|\||!=|<=|>=|<<\(|\)>>|<<|>>|\{\||\|\}|[{}()\[\].,;*/+\-!=<>?|^~]"),
]
SPACES = re.compile(r"[ \t\r\n]*")
# a token and the spaces before it, in one match: half as many matches as spaces and tokens apart
TOKEN = re.compile(SPACES.pattern + "(?:" + "|".join(f"(?P<{name}>{pattern})" for name, pattern in TERMINALS) + ")")
# each group's kind of token, by the group's number (None: a comment, left out)
KINDS = {number: None if name == "comment" else "word" if name == "keyword" else name
         for name, number in TOKEN.groupindex.items()}
DECODED = frozenset({"string", "iri"})  # the tokens whose value is decoded from their text
ESCAPE = re.compile(f"{UCHAR}|{ECHAR}")
ECHARS = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}
WRITTEN = {"\\": "\\\\", '"': '\\"', "'": "\\'", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
WRITTEN_CHARACTERS = str.maketrans(WRITTEN)
IRI_FORBIDDEN = re.compile(r"[<>\"{}|^`\\\x00-\x20]")


class Token(NamedTuple):
    """A token: its kind (a group name of TOKEN), its value (a string's or IRI's decoded content,
    otherwise its text: keywords are compared without case, `a` and `true` with it), and where it
    starts in the text it was read from."""

    kind: str
    value: str
    start: int

    def is_word(self, *words: str) -> bool:
        return self.kind == "word" and self.value.upper() in words

    def is_punct(self, *marks: str) -> bool:
        return self.kind == "punct" and self.value in marks


def tokenize(text: str) -> tuple[Token, ...]:
    """The tokens of a SPARQL text, without spaces and comments; UsageError (400) where none fits."""
    tokens: list[Token] = []
    append = tokens.append
    position = 0
    for found in TOKEN.finditer(text):
        if found.start() != position:  # something no token fits, after `position`'s spaces
            break
        kind = KINDS[found.lastindex]  # type: ignore[index]
        if kind is not None:
            raw = found.group(found.lastindex)  # type: ignore[arg-type]
            start = found.end() - len(raw)
            append(Token(kind, _value(kind, raw, text, start) if kind in DECODED else raw, start))
        position = found.end()
    position = SPACES.match(text, position).end()  # type: ignore[union-attr]
    if position < len(text):
        raise UsageError(f"{where(text, position)}: {_unexpected(text, position)}",
                         fr=f"{where(text, position, 'fr')} : {_unexpected(text, position, 'fr')}")
    return _signs_joined(tokens) if "+" in text or "-" in text else tuple(tokens)


OPERAND_ENDS = frozenset({"var", "number", "string", "iri", "pname", "lang", "bnode"})


def ends_operand(token: Token) -> bool:
    """Whether a token ends an operand (so that a sign after it may be an operator)."""
    return token.kind in OPERAND_ENDS or token.is_punct(")", "]") or token.is_word("TRUE", "FALSE")


def _signs_joined(tokens: list[Token]) -> tuple[Token, ...]:
    """A sign set apart from the number it signs (`- 1`) joined to it, wherever it cannot be an operator: within
    braces or square brackets (patterns, VALUES, data: no arithmetic there), or not after an operand. The engine
    reads `- 1` in a pattern or in data as the literal "- 1"^^xsd:integer, which no integer is."""
    joined: list[Token] = []
    openers: list[str] = []
    skip = False
    for i, token in enumerate(tokens):
        if skip:
            skip = False
            continue
        kind, value = token.kind, token.value
        if kind == "punct":
            if value in ("{", "(", "[", "{|", "<<", "<<("):
                openers.append(value)
            elif value in ("}", ")", "]", "|}", ">>", ")>>") and openers:
                openers.pop()
            elif value in ("+", "-") and i + 1 < len(tokens) and tokens[i + 1].kind == "number" \
                    and tokens[i + 1].value[0] not in "+-":
                if not (joined and ends_operand(joined[-1])) or (openers and openers[-1] != "("):
                    joined.append(Token("number", value + tokens[i + 1].value, token.start))
                    skip = True
                    continue
        joined.append(token)
    return tuple(joined)


def write(tokens: Sequence[Token]) -> str:
    """The one text an engine receives for these tokens: one line, one space between tokens (none between
    a function's name and its parenthesis where the text had none: Oxigraph wants `LANG(`, not `LANG (`)."""
    parts: list[str] = []
    append = parts.append
    joining: int | None = None  # where a bracket joined to the previous token (a word read from a text) starts
    for kind, value, start in tokens:  # as _joined and written, inlined: this runs on every token of a new query
        if parts and not (start == joining and kind == "punct" and value == "("):
            append(" ")
        append(written_string(value) if kind == "string" else written_iri(value) if kind == "iri" else value)
        joining = start + len(value) if kind == "word" and start >= 0 else None
    return "".join(parts)


def _joined(previous: Token, token: Token) -> bool:
    return (previous.kind == "word" and token.value == "(" and token.kind == "punct" and previous.start >= 0
            and previous.start + len(previous.value) == token.start)


def written(token: Token) -> str:
    if token.kind == "string":
        return written_string(token.value)
    if token.kind == "iri":
        return written_iri(token.value)
    return token.value


def written_string(value: str) -> str:
    return '"' + value.translate(WRITTEN_CHARACTERS) + '"'


def written_iri(value: str) -> str:
    return "<" + value.replace("'", "\\u0027") + ">"


def string_token(value: str) -> Token:
    """A string token for a value made here (a peer's answer, a constant)."""
    return Token("string", value, -1)


def _value(kind: str, text: str, source: str, position: int) -> str:
    if kind == "string":
        quote = 3 if text[:3] in ("'''", '"""') else 1
        return _unescape(text[quote:-quote], source, position)
    if kind == "iri":
        value = _unescape(text[1:-1], source, position)
        if IRI_FORBIDDEN.search(value):
            raise UsageError(f"{where(source, position)}: the IRI {text[:80]} holds, once its escapes are "
                             "decoded, a character that no IRI may hold",
                             fr=f"{where(source, position, 'fr')} : l'IRI {text[:80]} contient, une fois ses "
                                "échappements décodés, un caractère qu'aucune IRI ne peut contenir (espace, "
                                "caractère de contrôle, <>\"{}|^`\\) : retirez-le")
        return value
    return text


def _unescape(text: str, source: str, position: int) -> str:
    if "\\" not in text:
        return text

    def decode(match: re.Match[str]) -> str:
        escape = match.group()
        if escape[1] in "uU":
            code = int(escape[2:], 16)
            if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
                raise UsageError(f"{where(source, position)}: {escape} is not a Unicode character",
                                 fr=f"{where(source, position, 'fr')} : {escape} n'est pas un caractère Unicode "
                                    "(un point de code de substitution ou au-delà de U+10FFFF) : écrivez le "
                                    "caractère voulu")
            return chr(code)
        return ECHARS[escape[1]]

    return ESCAPE.sub(decode, text)


def _unexpected(text: str, position: int, lang: str = "en") -> str:
    c = text[position]
    fr = lang == "fr"
    if c == "\\":
        return ("une barre oblique inverse hors d'une chaîne ou d'une IRI : les échappements comme \\u0053 ne sont "
                "lus ici que dans les chaînes et les IRI ; écrivez le caractère lui-même" if fr else
                "a backslash outside a string or an IRI: escapes such as \\u0053 are read only inside "
                "strings and IRIs here; write the character itself")
    if c in "'\"":
        return ("une chaîne qui n'est pas fermée (ou qui contient un saut de ligne, ou une barre oblique inverse qui "
                "n'est pas un échappement) : fermez-la par son guillemet" if fr else
                "a string that is not closed (or holds a line break, or a backslash that is not an escape)")
    if c == "<":
        return "une IRI qui n'est pas fermée : fermez-la par >" if fr else "an IRI that is not closed"
    if fr:
        return f"caractère inattendu {c!r} (U+{ord(c):04X}) : retirez-le, ou mettez-le dans une chaîne"
    return f"unexpected character {c!r} (U+{ord(c):04X})"


def where(text: str, position: int, lang: str = "en") -> str:
    """A position in a text as an editor shows it: `line 3, column 18` (`ligne 3, colonne 18`)."""
    line = text.count("\n", 0, position) + 1
    column = position - (text.rfind("\n", 0, position) + 1) + 1
    return f"ligne {line}, colonne {column}" if lang == "fr" else f"line {line}, column {column}"


def source_position(tokens: Sequence[Token], text: str, written_column: int) -> str | None:
    """Where, in the text the tokens were read from, a column of `write(tokens)` (counted from 1) falls."""
    column = 1
    previous: Token | None = None
    for token in tokens:
        if previous is not None and not _joined(previous, token):
            column += 1
        width = len(written(token))
        if written_column < column + width and token.start >= 0:
            return where(text, token.start)
        column += width
        previous = token
    return f"{where(text, len(text.rstrip()))} (the end of the text)" if written_column >= column else None

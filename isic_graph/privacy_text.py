"""Text read as a person reads it, before personal data is searched in it (privacy.py): decoded, folded,
without invisible characters, with digit groups spaced and the disguises of digits and letters undone.

HTML entities (`&#64;`, `&commat;`), percent-escapes (`%40`, `%2540`), backslash escapes (`\\u0040`, and octal
`\\100`) and quoted-printable escapes (`=40`) are decoded, compatibility forms folded (NFKC: full-width `＠` and
digits), invisible characters, control characters and combining marks removed (zero-width spaces, soft hyphens,
joiners, bidirectional marks, NUL, DEL, an accent after `@`, the keycap of `0️⃣`), dashes, slashes and commas unified, the
separators people put between digit groups (`/`, `_`, `|`, `·`) read as spaces, and so is any separator
(a comma, a letter, a symbol) repeated between the digit pairs of a phone number (`06,12,34,56,78`,
`06x12x34x56x78`). Letters spelt one by one (`j e a n . d u p o n t @ …`) are read as one word; in a run of
digit groups shaped like a phone number, a NIR or an IBAN, O is read as 0 and l or I as 1 (`O6 l2 34 56 78`),
never in words; a French mobile number written in its groups without its trunk 0 (`6 12 34 56 78`) is read
with it; in a third reading, one or two of S, B, Z, G, T drawn for digits in such a run (`06 1Z 34 56 78`). An at or
dot word between underscores or hyphens is read spaced (`jean_at_exemple_dot_fr`), escapes with their backslash
doubled (`\\\\u0040`) or naming a character (`\\N{COMMERCIAL AT}`) are decoded. A base64, base32 or hexadecimal
token that decodes to text is read as that text too (`encoded_texts`).
"""

from __future__ import annotations

import base64
import binascii
import html
import re
import unicodedata
from typing import Iterator
from urllib.parse import unquote

DECODING_ROUNDS = 4  # entities and escapes inside one another (`%2540`, `&amp;#64;`) are decoded this deep
# Invisible characters: every format character (Unicode category Cf, as of Unicode 15) and the other default
# ignorable code points (combining grapheme joiner, variation selectors, Hangul fillers…). A test holds the
# list to the running Python's Unicode database.
INVISIBLE = re.compile(
    "[\u00ad\u034f\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u115f\u1160\u17b4\u17b5\u180b-\u180f"
    "\u200b-\u200f\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufffb\U000110bd\U000110cd"
    "\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e0fff]")
LOOKALIKES = str.maketrans({
    # every dash (Unicode category Pd, as of Unicode 15; a test holds the list to the running Python's), minus signs
    **{c: "-" for c in "\u058a\u05be\u1400\u1806\u2010\u2011\u2012\u2013\u2014\u2015\u2e17\u2e1a\u2e3a\u2e3b"
                       "\u2e40\u2e5d\u301c\u3030\u30a0\ufe31\ufe32\ufe58\ufe63\uff0d\U00010ead"
                       "\u2043\u2212\u2796\u02d7"},
    # slashes and backslashes NFKC leaves as they are: fraction and division slashes, big solidus, diagonals…
    **{c: "/" for c in "\u2044\u2215\u29f8\u2571\u27cb\u2afd\U0001f67c"},
    **{c: "\\" for c in "\u2216\u29f5\u29f9\u2572\u27cd\U0001f67d"},
    **{c: "," for c in "\u201a\u060c\u3001\u2e34\u2e41"},  # commas: low quotation mark, Arabic, ideographic…
    "\u3002": ".",  # the ideographic full stop
    # Greek and Cyrillic capitals and small letters drawn as O and I, which may stand for 0 and 1 in a number
    **{c: "O" for c in "\u039f\u041e"}, **{c: "o" for c in "\u03bf\u043e"}, **{c: "I" for c in "\u0399\u0406\u04c0"},
    # the other Greek and Cyrillic capitals drawn as Latin ones, which may write an IBAN's country code (FР76…)
    **dict(zip("\u0391\u0392\u0395\u0396\u0397\u039a\u039c\u039d\u03a1\u03a4\u03a5\u03a7", "ABEZHKMNPTYX")),
    **dict(zip("\u0410\u0412\u0415\u041a\u041c\u041d\u0420\u0421\u0422\u0425\u0405\u0408", "ABEKMHPCTXSJ")),
    "\u2800": " ",  # the blank braille pattern, drawn as a space
})
# Control characters (C0 but tab and line ends, DEL, C1): drawn as nothing, so removed wherever they are
CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
MARKS = frozenset(("Mn", "Me"))  # combining marks: an accent after "@", the keycap of "0️⃣6️⃣"
AT_LOOKALIKES = str.maketrans({"\u24d0": "@", "\u24b6": "@"})  # circled a, which NFKC would make a plain "a"
OTHER_DIGITS = re.compile(r"(?![0-9])\d")  # decimal digits of other scripts (Arabic-Indic, Devanagari…)
# `\u0040`, `\x40`, `%u0040` and `\u{40}` (five hexadecimal digits at most: always a code point), the backslash
# doubled or more as a literal's text escapes it (`\\u0040`), and a character by its name (`\N{COMMERCIAL AT}`)
BACKSLASH_ESCAPE = re.compile(r"\\{1,8}u([0-9A-Fa-f]{4})|\\{1,8}x([0-9A-Fa-f]{2})|%u([0-9A-Fa-f]{4})"
                              r"|\\{1,8}u\{([0-9A-Fa-f]{1,5})\}|\\{1,8}N\{([A-Za-z0-9 -]{1,88})\}")
# Separators people put between digit groups, which phone matching would not read as such (a line break too):
# read as spaces.
# A dash, dot, colon, comma or semicolon with spaces around it ("06  -  12  -  34", "FR76 - 3000") is one too.
DIGIT_SEPARATOR = re.compile(r"(?<=\d)(?:\s*[/\\_|·•'’*~]\s*|[ \t]*[\r\n\u2028\u2029]+[ \t]*|\t+"
                             r"|[ \t]+[-.:,;][ \t]*|[ \t]*[-.:,;][ \t]+)(?=[\d+])")
# "tel0612345678": a phone label glued to the number it introduces
PHONE_LABEL = re.compile(r"(?i)(?<![^\W\d_])(t[eé]l|phone|mobile|mob|gsm|portable|fax)(?=\+?\d)")
# Digit groups laid out as a phone number's, the same separator between each, whatever it is (a comma, a
# letter, a symbol: "06,12,34,56,78", "06x12x34x56x78"): French (0X and four pairs) or international (+CC or 00CC,
# then at least three groups). The same separator, and pairs, so that lists ("0,5,10,15,20,25") are not read so.
GROUP_SEPARATOR = r"\s?[^\d\s]{1,5}\s?"  # "06 et 12 et…", "06 puis 12 puis…"
PHONE_GROUPS = re.compile(rf"(?<![^\W_])(?:0\d(?P<fr>{GROUP_SEPARATOR})\d\d(?:(?P=fr)\d\d){{3}}"
                          rf"|(?:\+|00)\d{{1,3}}(?P<cc>{GROUP_SEPARATOR})\d{{1,3}}(?:(?P=cc)\d{{2,4}}){{2,}})(?![^\W_])")
NOT_DIGITS = re.compile(r"\D+")

# Octal ("\100") and quoted-printable ("=40") escapes, not followed by a digit: a number's groups ("FR76\1000\…",
# "06=12=34…") are not read as escapes.
OCTAL_ESCAPE = re.compile(r"\\{1,8}0?([0-3][0-7]{2})(?!\d)")  # "\0100" and "\\100" too
QUOTED_PRINTABLE = re.compile(r"=([0-9A-Fa-f]{2})(?!\d)")
# "&#64" and "&#x40" ("@"), "&#46" and "&#x2e" ("."), with or without the semicolon
SIGN_REFERENCE = re.compile(r"&#(?:(x0*40|0*64)|x0*2e|0*46);?", re.IGNORECASE)
ADDRESS_SIGNS = "@."  # decoded wherever they are; other characters (letters, "_-+") only after a non-digit
# Single characters separated by a space or two, six or more ("j e a n . d u p o n t"), neither letter nor digit
# beside the first and the last ("'j e a n … f r',"): read as one word when they spell part of an address.
SPACED_LETTERS = re.compile(r"(?<![^\W_])\S(?:[ \t\u00a0]{1,2}\S){5,}(?![^\W_])")  # or two spaces
SPACE = re.compile(r"[ \t\u00a0]")
# An at or dot word, bare or bracketed, between underscores or hyphens ("jean_at_exemple_dot_fr", "jean-[at]-exemple",
# "jean_@_exemple.fr"): read with spaces for them, as the word is written in a sentence.
JOINED_SIGN = re.compile(r"[_-](?<=[^\W_][_-])[_-]?(?P<sign>[(\[{<]?(?:at|arobase|arobas|arrobase|@|dot|point|\.)"
                         r"[)\]}>]?)[_-]{1,2}(?=[^\W_])", re.IGNORECASE)
# Letters standing for digits (O for 0, l and I for 1), read so only in a run of digit groups: every group holds
# a digit or is as short as a digit group ("3OOO", "I 84 12…", "OO"), and digits outnumber these letters, so that
# words ("Olivier", "Lille") are never read so. (An IBAN, whose account number may hold letters, is read so by
# privacy.py, past its country code.)
DIGITISH = "0-9OoIl"
RUN_SEPARATOR = r"[\s./_|·•:,;()-]"  # brackets too: "+33 (O)6…"
DIGITISH_GROUP = rf"(?:(?=[{DIGITISH}]{{0,33}}\d)[{DIGITISH}]{{1,34}}|[OoIl]{{1,4}})(?![^\W_])"
DIGITISH_RUN = re.compile(rf"(?<![^\W_]){DIGITISH_GROUP}(?:{RUN_SEPARATOR}{{1,3}}{DIGITISH_GROUP}){{0,16}}")
# A letter read as a digit beside a digit: the runs are looked for only where one is; the search starts from
# digits, rarer than these letters (a letter before the digit is looked for behind it).
LETTER_BY_DIGIT = re.compile(rf"\d(?:{RUN_SEPARATOR}{{0,3}}[OoIl]|(?<=[OoIl]\d)|(?<=[OoIl]{RUN_SEPARATOR}\d)"
                             rf"|(?<=[OoIl]{RUN_SEPARATOR}{{2}}\d)|(?<=[OoIl]{RUN_SEPARATOR}{{3}}\d))")
AS_DIGITS = str.maketrans("OoIl", "0011")
# Other letters drawn like digits (S 5, B 8, Z 2, G 6, T 7; s 5, z 2), read so in a third reading only: in a run of
# digit groups shaped like a phone number, a NIR or an IBAN, one or two of them at most, one a group, each group
# with a digit in it, so that words, Corsican codes (2A, 2B), SIRETs and product codes (B12, T3, S1) are never read
# so; the T of a date and time ("2019-05-02T10:00") stays a letter.
DRAWN_LIKE_DIGITS = "SBZGTsz"
SHAPED_GROUP = rf"(?=[{DIGITISH}{DRAWN_LIKE_DIGITS}]{{0,33}}\d)[{DIGITISH}{DRAWN_LIKE_DIGITS}]{{1,34}}(?![^\W_])"
SHAPED_RUN = re.compile(rf"(?<![^\W_]){SHAPED_GROUP}(?:{RUN_SEPARATOR}{{1,3}}{SHAPED_GROUP}){{0,16}}")
DRAWN_BY_DIGIT = re.compile(rf"[{DRAWN_LIKE_DIGITS}](?:(?<=\d[{DRAWN_LIKE_DIGITS}])|(?=\d))")
DRAWN_AS_DIGITS = str.maketrans("OoIlSBZGTsz", "00115826752")
MAX_DRAWN = 2
DATE_AND_TIME = re.compile(r"\d{4}-?\d\d-?\d\dT\d\d")
GROUP_BREAK = re.compile(rf"{RUN_SEPARATOR}+")
MIN_DIGITISH = 8  # no phone number, NIR or IBAN is shorter
# A French mobile number without its trunk 0, written in its groups (6 12 34 56 78, 7.12.34.56.78), not after a
# country code ("+33 6 12…", "(0)6 12…"); in one block (612345678) it is a SIREN's shape, and is left alone.
# (The digit comes first, and what stands before it is looked for behind it: the search starts from 6 and 7 only.)
TRUNKLESS_MOBILE = re.compile(rf"[67](?<![\w+.,/)(-][67])(?<![\d+)]\s[67])(?P<sep>\s|{GROUP_SEPARATOR})\d\d"
                              r"(?:(?P=sep)\d\d){3}(?![\w]|(?P=sep)\d)")
# Base64 (standard or URL-safe alphabet), 12 characters or more: an address is 6 characters at least.
BASE64_TOKEN = re.compile(r"(?<![A-Za-z0-9+/_-])[A-Za-z0-9+/_-]{12,4096}={0,2}(?![A-Za-z0-9+/_=-])")  # "?u=…" too
MIN_BASE64 = 12
# Hexadecimal text (`6a65616e40…`, `0x6a65…`, or its bytes grouped: `6a:65:61…`), and base32 in one case
# (`NJSWC3RA…`): 12 hexadecimal digits, 16 base32 characters or more, a bytes' worth of an address at least.
# (The hexadecimal one starts with its digits and looks behind after, so that the search runs from those only; an
# "0x" before is let through.)
HEX_TOKEN = re.compile(r"[0-9A-Fa-f]{2}(?<![0-9A-WYZa-wyz][0-9A-Fa-f]{2})"
                       r"(?:[0-9A-Fa-f]{10,8190}|(?:[ :-][0-9A-Fa-f]{2}){5,4095})(?![0-9A-Za-z])")
BASE32_TOKEN = re.compile(r"(?<![0-9A-Za-z+])(?:[A-Z2-7]{16,8192}|[a-z2-7]{16,8192})={0,6}(?![0-9A-Za-z+=])")
NOT_HEX = re.compile(r"[^0-9A-Fa-f]")
DIGIT = re.compile(r"\d")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def normalised(text: str) -> str:
    """The text as a reader sees it: decoded, folded, without invisible characters, digit groups spaced."""
    for _ in range(DECODING_ROUNDS):
        before = _decoded(text)
        if before == text:
            break
        text = before
    if "_" in text or "-" in text:
        text = JOINED_SIGN.sub(r" \g<sign> ", text)
    if " " in text or "\t" in text or "\u00a0" in text:
        text = SPACED_LETTERS.sub(_joined, text)
    return _digits_spaced(text)


def digits_read(text: str) -> str:
    """The normalised text with O, l and I read as digits in runs of digit groups (the text itself if it has none):
    a second reading, so that a letter read as a digit never hides a number the text holds as written."""
    if LETTER_BY_DIGIT.search(text) is None:
        return text
    read = DIGITISH_RUN.sub(_as_digits, text)
    return text if read == text else _digits_spaced(read)


def shapes_read(text: str) -> str:
    """The normalised text with letters drawn like digits read as digits in runs of digit groups (the text itself
    if it has none): a third reading, after the text as written and with O, l and I read as digits."""
    if DRAWN_BY_DIGIT.search(text) is None:
        return text
    read = SHAPED_RUN.sub(_drawn_as_digits, text)
    return text if read == text else _digits_spaced(read)


def _drawn_as_digits(match: re.Match[str]) -> str:
    """A run of digit groups read with its letters as digits, when one or two letters other than O, l and I are
    in it (one a group), it is as long as a phone number at least, and holds more digits than letters."""
    run = match.group()
    drawn = [sum(c in DRAWN_LIKE_DIGITS for c in group) for group in GROUP_BREAK.split(run)]
    digits, letters = sum(c.isdigit() for c in run), sum(c.isalpha() for c in run)
    if not 0 < sum(drawn) <= MAX_DRAWN or max(drawn) > 1 or digits + letters < MIN_DIGITISH or letters >= digits:
        return run
    return run if "T" in run and DATE_AND_TIME.search(run) else run.translate(DRAWN_AS_DIGITS)


def _digits_spaced(text: str) -> str:
    """Digit groups separated by spaces, whatever separated them; a mobile number's trunk 0 restored."""
    if DIGIT.search(text) is None:
        return text
    text = PHONE_LABEL.sub(r"\1 ", DIGIT_SEPARATOR.sub(" ", text))
    return PHONE_GROUPS.sub(_spaced, TRUNKLESS_MOBILE.sub(lambda m: "0" + m.group(), text))


def _decoded(text: str) -> str:
    """One round of decoding: compatibility forms and invisible characters, entities, escapes."""
    text = CONTROLS.sub("", text)
    if not text.isascii():
        text = unicodedata.normalize("NFKC", INVISIBLE.sub("", text).translate(AT_LOOKALIKES)).translate(LOOKALIKES)
        text = "".join(c for c in text if unicodedata.category(c) not in MARKS)
        text = OTHER_DIGITS.sub(lambda m: str(unicodedata.decimal(m.group())), text)
    if "&" in text:  # "&#x40exemple": a browser reads U+040E (hex digits run on), a person reads "@exemple"
        text = html.unescape(SIGN_REFERENCE.sub(lambda m: "@" if m.group(1) else ".", text))
    if "%" in text:
        text = unquote(text, errors="replace")
    if "\\" in text or "%u" in text or "%U" in text:
        text = BACKSLASH_ESCAPE.sub(_escaped, text)
        text = OCTAL_ESCAPE.sub(lambda m: _unescaped(m, 8), text)
    if "=" in text:
        text = QUOTED_PRINTABLE.sub(lambda m: _unescaped(m, 16), text)
    return text


def _escaped(match: re.Match[str]) -> str:
    """The character a backslash escape stands for: by its code point, or by its Unicode name when it has one."""
    if (name := match.group(5)) is None:
        return chr(int(next(g for g in match.groups() if g), 16))
    try:
        return unicodedata.lookup(name)
    except KeyError:
        return match.group()


def _unescaped(match: re.Match[str], base: int) -> str:
    """The character an octal or quoted-printable escape stands for: "@" or "."; a letter, "_", "-" or "+" when
    no digit comes before (so that no number is made out of another, "nir=28…"); else the escape as written."""
    c = chr(int(match.group(1), base))
    after_digit = match.start() > 0 and match.string[match.start() - 1].isdigit()
    if c in ADDRESS_SIGNS or (not after_digit and c.isascii() and (c.isalpha() or c in "_-+")):
        return c
    return match.group()


def _joined(match: re.Match[str]) -> str:
    """Characters spelt one by one, as one word, when they spell part of an address: a letter, and an at sign or a
    dot among them (digits spelt so, "0 6 1 2…", are left to phone numbers, whatever word follows)."""
    spelt = match.group()
    return SPACE.sub("", spelt) if ("@" in spelt or "." in spelt) and any(c.isalpha() for c in spelt) else spelt


def _as_digits(match: re.Match[str]) -> str:
    """A run of digit groups with O, l or I read as digits, when it is as long as a phone number at least and holds
    more digits than such letters."""
    run = match.group()
    digits, letters = sum(c.isdigit() for c in run), sum(c in "OoIl" for c in run)
    return run.translate(AS_DIGITS) if digits + letters >= MIN_DIGITISH and 0 < letters <= digits else run


def _spaced(match: re.Match[str]) -> str:
    """A phone number's digit groups, whatever separated them, separated by spaces."""
    number = match.group()
    return ("+" if number.startswith("+") else "") + NOT_DIGITS.sub(" ", number.lstrip("+"))


# A spreadsheet formula that builds a value from pieces ("=CONCAT(""jean.dupont"";""@"";…)", "=""jean""&CHAR(64)&…"):
# what a spreadsheet opening the value shows
FORMULA = re.compile(r"\s*[=+]")
FORMULA_CHAR = re.compile(r"(?i)\b(?:(?:UNI)?CHAR|CAR(?:ACT[EÈ]RE)?)\s*\(\s*(\d{1,6})\s*\)")
FORMULA_JOIN = re.compile(r"\"\s*\)?\s*[&,;]\s*(?:\w{1,12}\(\s*)?\"")  # "&" ";" ")&LOWER("


def formula_text(text: str) -> str | None:
    """The text a spreadsheet formula that joins quoted pieces (and CHAR codes) shows, if the text is one."""
    if FORMULA.match(text) is None or '"' not in text:
        return None
    text = FORMULA_CHAR.sub(lambda m: f'"{chr(int(m.group(1)))}"' if int(m.group(1)) < 0x110000 else m.group(),
                            text)
    return FORMULA_JOIN.sub("", text)


def encoded_texts(text: str) -> Iterator[str]:
    """The texts that base64, base32 and hexadecimal tokens of the text decode to (an address written so); an IRI's
    path segments are tried one by one too."""
    for match in HEX_TOKEN.finditer(text):
        digits = NOT_HEX.sub("", match.group())
        if len(digits) % 2 == 0 and (decoded := _utf8_text(bytes.fromhex(digits))) is not None:
            yield decoded
    for match in BASE32_TOKEN.finditer(text):
        body = match.group().rstrip("=")
        if len(body) % 8 not in (1, 3, 6):
            try:
                decoded = _utf8_text(base64.b32decode(body.upper() + "=" * (-len(body) % 8)))
            except binascii.Error:
                continue
            if decoded is not None:
                yield decoded
    for match in BASE64_TOKEN.finditer(text):
        token = match.group()
        if token == token.lower() or token == token.upper():
            continue  # one case only: nor are its parts base64 of text
        parts = [token, *token.split("/")] if "/" in token else [token]
        for part in parts:
            decoded = _base64_text(part)
            if decoded is not None:
                yield decoded


def _base64_text(token: str) -> str | None:
    """The UTF-8 text a base64 token decodes to, if it does; a word, a number, a hexadecimal hash or a UUID (no
    upper-case or no lower-case letter) is none: text in base64 mixes both cases."""
    body = token.rstrip("=")
    if len(body) < MIN_BASE64 or len(body) % 4 == 1 or body == body.lower() or body == body.upper():
        return None
    urlsafe = "-" in body or "_" in body
    if urlsafe and ("+" in body or "/" in body):
        return None
    try:
        data = base64.b64decode(body + "=" * (-len(body) % 4), altchars=b"-_" if urlsafe else None, validate=True)
    except binascii.Error:
        return None
    return _utf8_text(data)


def _utf8_text(data: bytes) -> str | None:
    """The UTF-8 text bytes are, if they are text: no control character in it."""
    try:
        decoded = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return None if CONTROL.search(decoded) else decoded

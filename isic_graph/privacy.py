"""Personal data in text: e-mail addresses, phone numbers, French social security numbers (NIR) and IBANs.

Every text value of a submission is searched (well-typed numbers, dates and booleans are values, not
text: an amount is never read as a phone number), and every `mailto:`, `tel:` or `sms:` IRI; what is
found refuses the submission (422), naming the resource, the field and the kind of data, never the
datum itself. The rule is strict on purpose: this graph describes collective social work, so it
holds no one's contact details, not even a professional's or an organisation's (the ontology has
no contact property; organisations are reached through their web site, `foaf:homepage`). The one
exception is a public service number (free, shared-cost or special-rate: 0 800…, 08…), which reaches
a service, never a person, and may be cited in a lesson; short numbers (3919, 115) are not matched.

Numbers are checked, not just matched: a NIR or an IBAN counts only if its key is right
(python-stdnum), whether written in one block or in groups ("1 84 12 76 451 089 46"), and a phone
number only if it is a valid number (phonenumbers, French numbering by default, international
numbers too), so that SIRET and RNA numbers, INSEE codes, years, amounts and dates are not mistaken
for personal data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Iterator

import phonenumbers
from phonenumbers import PhoneNumberType
from stdnum import iban as iban_number
from stdnum import numdb
from stdnum.fr import nir as nir_number

EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
SEPARATORS = " \u00a0\u202f.-"  # a space, the no-break spaces French typography uses, a dot, a hyphen
# A NIR is 15 characters (sex, year, month, département or 2A/2B, commune, order, key), maybe grouped;
# every start is tried (the lookahead), so that a run of digits before it does not hide it.
NIR = re.compile(r"(?<![0-9A-Za-z])(?=([1-478](?:[ \u00a0\u202f.-]?[0-9AB]){14})(?![0-9A-Za-z]))", re.IGNORECASE)
NIR_MONTH = re.compile(r"0[1-9]|1[0-2]|[2-9]\d")  # 20 and up: month unknown or registered abroad
IBAN = re.compile(r"(?<![0-9A-Z])[A-Z]{2}\d{2}(?:[ \u00a0\u202f]?[0-9A-Z]){11,30}")  # in upper-case text
WITHOUT_SEPARATORS = str.maketrans("", "", SEPARATORS)
IBAN_REGISTRY = numdb.get("iban")
LETTERS_AS_DIGITS = {ord(c): str(ord(c) - ord("A") + 10) for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"}
# Numbers that reach a service, not a person: free, shared-cost, special-rate and universal access numbers.
SERVICE_NUMBERS = {PhoneNumberType.TOLL_FREE, PhoneNumberType.SHARED_COST, PhoneNumberType.PREMIUM_RATE,
                   PhoneNumberType.UAN}
MIN_DIGITS = 8  # no phone number, NIR or IBAN has fewer


@dataclass(frozen=True)
class Kind:
    """A kind of personal data, named in French and English, with a stable code."""

    code: str
    fr: str
    en: str


EMAIL_ADDRESS = Kind("email", "une adresse électronique", "an e-mail address")
PHONE_NUMBER = Kind("phone", "un numéro de téléphone", "a phone number")
SOCIAL_SECURITY_NUMBER = Kind("nir", "un numéro de sécurité sociale (NIR)", "a social security number (NIR)")
BANK_ACCOUNT = Kind("iban", "un numéro de compte bancaire (IBAN)", "a bank account number (IBAN)")
CONTACT_SCHEMES = {"mailto": EMAIL_ADDRESS, "tel": PHONE_NUMBER, "sms": PHONE_NUMBER}


def personal_data(text: str) -> list[Kind]:
    """The kinds of personal data found in a text, each once, in a stable order."""
    found = {kind.code: kind for kind in _find(text)}
    return [found[code] for code in sorted(found)]


def personal_data_in_iri(iri: str) -> list[Kind]:
    """The kind of contact detail an IRI is (`mailto:`, `tel:`, `sms:`), or none."""
    scheme = iri.split(":", 1)[0].lower() if ":" in iri else ""
    kind = CONTACT_SCHEMES.get(scheme)
    return [kind] if kind is not None else []


def _find(text: str) -> Iterator[Kind]:
    if "@" in text and EMAIL.search(text):
        yield EMAIL_ADDRESS
    if sum(map(str.isdigit, text)) < MIN_DIGITS:  # in C: every text of a batch passes here
        return
    if any(_is_nir(match.group(1)) for match in NIR.finditer(text)):
        yield SOCIAL_SECURITY_NUMBER
    if _has_iban(text.upper()):
        yield BANK_ACCOUNT
    if _has_phone_number(text):
        yield PHONE_NUMBER


def _is_nir(candidate: str) -> bool:
    number = candidate.upper().translate(WITHOUT_SEPARATORS)
    if not NIR_MONTH.fullmatch(number[3:5]):
        return False
    body = number[:5] + number[5:7].replace("2A", "19").replace("2B", "18") + number[7:13]
    # the key, computed here first as a cheap filter; stdnum has the last word
    return body.isdigit() and number[13:].isdigit() and 97 - int(body) % 97 == int(number[13:]) \
        and nir_number.is_valid(number)


def _has_iban(text: str) -> bool:
    """Whether an IBAN with a right key starts anywhere in the (upper-case) text, grouped or not."""
    position = 0
    while (match := IBAN.search(text, position)) is not None:
        position = match.start() + 1  # every start is tried: a false candidate must not hide the next one
        number = match.group().translate(WITHOUT_SEPARATORS)
        length = _iban_length(number[:2])
        if length and len(number) >= length and _is_iban(number[:length]):
            return True
    return False


@cache
def _iban_length(country: str) -> int:
    """The length of the country's IBANs (0 when the country has none), from python-stdnum's registry."""
    info = IBAN_REGISTRY.info(country)[0][1]
    return 4 + sum(int(n) for n in re.findall(r"(\d+)!", info["bban"])) if "bban" in info else 0


def _is_iban(number: str) -> bool:
    # the key (ISO 7064 mod 97-10), computed here first as a cheap filter; stdnum has the last word
    rearranged = (number[4:] + number[:4]).translate(LETTERS_AS_DIGITS)
    return rearranged.isdigit() and int(rearranged) % 97 == 1 and iban_number.is_valid(number)


def _has_phone_number(text: str) -> bool:
    for match in phonenumbers.PhoneNumberMatcher(text, "FR", leniency=phonenumbers.Leniency.VALID):
        if phonenumbers.number_type(match.number) not in SERVICE_NUMBERS:
            return True
    return False

"""Personal data in text: e-mail addresses, phone numbers, French social security numbers (NIR) and IBANs.

Every text literal of a submission is searched; what is found refuses the submission (422), naming
the resource, the field and the kind of data, never the datum itself. The rule is strict on purpose:
this graph describes collective social work, so it holds no one's contact details, not even a
professional's (organisations are reached through their web site, `foaf:homepage`).

Numbers are checked, not just matched: a NIR or an IBAN counts only if its key is right (python-stdnum),
a phone number only if it is a valid number (phonenumbers, French numbering by default), so that
SIRET and RNA numbers, INSEE codes, years, amounts and dates are not mistaken for personal data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator

import phonenumbers
from stdnum import iban as iban_number
from stdnum.fr import nir as nir_number

EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
NIR = re.compile(r"(?<![\dA-Za-z])[1-478][ .-]?\d{2}[ .-]?(?:0[1-9]|1[0-2]|[2-9]\d)[ .-]?(?:\d{2}|2[AB])[ .-]?"
                 r"\d{3}[ .-]?\d{3}[ .-]?\d{2}(?![\dA-Za-z])", re.IGNORECASE)
IBAN = re.compile(r"(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]){11,30}(?![A-Za-z0-9])")
DIGITS = re.compile(r"\d")


@dataclass(frozen=True)
class Kind:
    """A kind of personal data, named in French and English."""

    code: str
    fr: str
    en: str


EMAIL_ADDRESS = Kind("email", "une adresse électronique", "an e-mail address")
PHONE_NUMBER = Kind("phone", "un numéro de téléphone", "a phone number")
SOCIAL_SECURITY_NUMBER = Kind("nir", "un numéro de sécurité sociale (NIR)", "a social security number (NIR)")
BANK_ACCOUNT = Kind("iban", "un numéro de compte bancaire (IBAN)", "a bank account number (IBAN)")


def personal_data(text: str) -> list[Kind]:
    """The kinds of personal data found in a text, each once, in a stable order."""
    found = {kind.code: kind for kind in _find(text)}
    return [found[code] for code in sorted(found)]


def _find(text: str) -> Iterator[Kind]:
    if "@" in text and EMAIL.search(text):
        yield EMAIL_ADDRESS
    if len(DIGITS.findall(text)) < 8:  # no phone number, NIR or IBAN has fewer digits
        return
    for match in NIR.finditer(text):
        if nir_number.is_valid(match.group()):
            yield SOCIAL_SECURITY_NUMBER
    for match in IBAN.finditer(text.upper()):
        if iban_number.is_valid(match.group()):
            yield BANK_ACCOUNT
    if any(True for _ in phonenumbers.PhoneNumberMatcher(text, "FR", leniency=phonenumbers.Leniency.VALID)):
        yield PHONE_NUMBER

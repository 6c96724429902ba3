"""Personal data in text and IRIs: e-mail addresses, phone numbers, French social security numbers (NIR), IBANs
and instant-messaging addresses, however they are disguised.

Every term of a submission is searched (validation.py): texts, the lexical form of every literal whatever its
datatype (a phone number typed as `xsd:integer` is still a phone number), and every IRI, in any position.
What is found refuses the submission (422), naming the resource, the field and the kind of data, never the
datum itself. The rule is strict on purpose: this graph describes collective social work, so it holds no
one's contact details, not even a professional's or an organisation's (the ontology has no contact
property; organisations are reached through their web site, `foaf:homepage`). The one exception is a
public service number (free, shared-cost or special-rate: 0 800…, 08…), which reaches a service, never a
person, and may be cited in a lesson; short numbers (3919, 115) are not matched.

Text is read as a person reads it first (privacy_text.py: decoded, folded, invisible characters removed,
digit groups spaced, letters spelt one by one joined, O and l read as digits in a run of digit groups, a mobile
number's trunk 0 restored), and so are the texts that its base64 tokens decode to. E-mail addresses are also
found written `(at)`, `[at]`, `(à)`, `(a)`, ` arobase `, ` at-sign `, `(dot)`…, ` chez ` between an address-like
name and a domain (`jean.dupont chez exemple.fr`), a comma or a space for the domain's last dot before a common
top-level domain (`jean.dupont@exemple,fr`), and with international domains (`jean@exämple.fr`); whatever is glued
after its domain (`jean.dupont@exemple.fr-merci`, `x@y.fr_z`). An identifier in an IRI (a slug) is also searched for
an address whose punctuation is made dashes (`jean-dupont-gmail-com`, `jean-arobase-exemple-fr`: address_in_identifier).
A link to one person's conversation (Facebook messages, a Teams chat, a Discord user) is refused; a group's
invitation (chat.whatsapp.com, discord.gg, signal.group, t.me/joinchat/) names a group, not a person, and passes.

Numbers are checked, not just matched: a NIR or an IBAN counts only if its key is right (python-stdnum; an
IBAN's structure and ISO 7064 key, of any country, not its national account checks), whether written in one
block or in groups (an IBAN's country code starting a word, its account holding a digit, its letters one case, no
word of five letters or more and no group of two or three letters but its last: "Euro 23 pour accompagner les
familles" is a sentence), and a phone number only
if it is a valid number (phonenumbers, French numbering by
default, international numbers too), so that SIRET and RNA numbers, INSEE codes, years, amounts and dates are
not mistaken for personal data. Two NIR forms have no key to check and count by their layout alone (a sex,
a real month and département, an order number): a NIR written without its key, and a Corsican one (2A, 2B),
whose key is often miscounted. An amount with its cents (331000000.00) is no phone number. Out of reach, and
documented so: numbers written in words, a number split
across two values, and a mobile number without its trunk 0 in one block (612345678, a SIREN's shape).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Iterable, Iterator

import phonenumbers
from phonenumbers import PhoneNumberType
from stdnum import iban as iban_number
from stdnum import numdb
from stdnum.fr import nir as nir_number

from isic_graph.privacy_text import INVISIBLE as INVISIBLE
from isic_graph.privacy_text import LOOKALIKES as LOOKALIKES
from isic_graph.privacy_text import digits_read, encoded_texts, formula_text, normalised, shapes_read


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
MESSAGING_ADDRESS = Kind("messaging", "une adresse de messagerie instantanée", "an instant-messaging address")

MARKUP = re.compile(r"<[^<>]{0,200}>")
RIGHT_TO_LEFT = re.compile("\u202e([^\u202a-\u202e]*)")


# ---------------------------------------------------------------- e-mail addresses

# Every repetition is bounded and no two alternatives match the same text, so that a search cannot take
# more than linear time, whatever the text.
WORD_CHARS = r"[\w%+'!#$&*=?^`~-]"
# (at) [at] {arobase} (à) (a) [chez] (at-sign)
BRACKETED_AT = (r"\s{0,3}[(\[{<]\s{0,3}(?:at[ -]?sign|at|@|arobase|arobas|arrobase|arobe|arroba|chiocciola"
                r"|klammeraffe|à|a|chez)\s{0,3}[)\]}>]\s{0,3}")
BRACKETED_DOT = r"\s{0,3}[(\[{<]\s{0,3}(?:dot|point|pt|\.)\s{0,3}[)\]}>]\s{0,3}"  # (dot) [point] (.)
LABEL = r"[^\W_](?:[\w-]{0,61}[^\W_])?"
# "at" or "@" between quotes ("jean.dupont « at » exemple.fr", 'jean "at" exemple.fr'): quotes hold the at sign only,
# so that a quoted word of a sentence is not read as one
QUOTED_AT = r"\s{0,3}[\"'«“‘]\s{0,3}(?:at[ -]?sign|at|@|arobase|arroba|chiocciola|klammeraffe)\s{0,3}[\"'»”’]\s{0,3}"
# a middle dot or bullet for the dots of a domain, after an at sign ("jean.dupont@exemple·fr")
MIDDLE_DOT = "[\u00b7\u1427\u2022\u2027\u2219\u22c5\u2e31\u30fb\ua78f\uff65]"
# The last word of the local part is enough to tell an address ("dupont" of "jean dot dupont at…"), and searching
# from the start of words only keeps the search linear.
ADDRESS = (r"(?:\"[^\"@\n]{{1,64}}\"|(?<![\w%+'!#$&*=?^`~-]){word}{{1,64}}){at}"
           r"(?:\[\d{{1,3}}(?:\.\d{{1,3}}){{3}}\]|{label}(?:{domain_dot}{label}){{0,8}}?{domain_dot}"
           r"(?P<tld>{tld})){after}")
# Where the obfuscation is only a bare word or a spaced dot ("jean at exemple dot fr", "jean @ exemple . fr"),
# the domain must end with a common top-level domain, so that a sentence ("meet at noon.Then") is not read
# as an address.
COMMON_DOMAINS = frozenset((
    "fr com org net eu info biz edu gov int io co me be ch lu ca de es it uk pt nl re gp mq gf yt pm nc pf wf "
    "bzh paris corsica alsace ma dz tn sn ci cm ht us online site xyz email mail").split())
# What may follow an address: anything but a letter or a digit, which would make its top-level domain longer. A
# top-level domain is letters (or an IDN's xn--…), so a hyphen or an underscore after it ends the address and does
# not hide it: "jean.dupont@exemple.fr-merci", "x@y.fr_z", "jean@exemple.fr—merci" (every dash is read as a hyphen).
# Letters glued to it are read as part of it: "jean@exemple.frmerci" is an address at the domain "exemple.frmerci",
# refused all the same. Digits glued to a common top-level domain end it ("jean@exemple.fr1", a note's number);
# glued to another, they make a label of an identifier ("19:abc@thread.tacv2", a Teams channel's), no address.
AFTER_ADDRESS = r"(?![^\W_])"
# a digit only after a common top-level domain (its letters after a dot, a middle dot or a bracket)
AFTER_ANY_DOMAIN = (r"(?:(?![^\W_])|(?=\d)(?:" + "|".join(rf"(?<=\W{domain})" for domain in sorted(COMMON_DOMAINS))
                    + "))")
# An address written with "@" or a bracketed (at), and dots or bracketed (dot)s: any top-level domain.
EMAIL = re.compile(ADDRESS.format(
    word=WORD_CHARS, label=LABEL, at=rf"(?:\s{{0,3}}@\s{{0,3}}|{BRACKETED_AT}|{QUOTED_AT})",
    domain_dot=rf"(?:\.(?!\.)|{MIDDLE_DOT}|{BRACKETED_DOT})", tld=r"xn--[a-z0-9-]{1,59}|[^\W\d_]{2,63}",
    after=AFTER_ANY_DOMAIN), re.IGNORECASE)
# " at ", " at-sign ", the at sign's name in Spanish, Italian and German; "-at-", "/at/"
BARE_AT = (r"(?:\s{1,3}(?:at[ -]?sign|at|arobase|arobas|arrobase|arobe|arroba|chiocciola|klammeraffe)\s{1,3}"
           r"|\s{0,3}-(?:at|arobase)-\s{0,3}|/(?:at|arobase)/)")
BARE_DOT = r"(?:\s{1,3}(?:dot|point)\s{1,3}|\s{0,3}-(?:dot|point)-\s{0,3}|/(?:dot|point)/)"
LOOSE_EMAIL = re.compile(ADDRESS.format(
    word=WORD_CHARS, label=LABEL, at=rf"(?:\s{{0,3}}@\s{{0,3}}|{BRACKETED_AT}|{QUOTED_AT}|{BARE_AT})",
    # a dot written as such, or spaced before ("exemple . fr"); not a sentence's full stop ("at home. Me first")
    domain_dot=rf"(?:\.(?!\.)|\s{{1,3}}\.(?!\.)\s{{0,3}}|{BRACKETED_DOT}|{BARE_DOT})",
    tld="|".join(sorted(COMMON_DOMAINS, key=len, reverse=True)), after=AFTER_ADDRESS), re.IGNORECASE)
# " chez " (French for "at someone's"): only after a word shaped as an address's local part (a dot, a hyphen, an
# underscore or a digit in it, and a letter: "jean.dupont", "jdupont35"; a quote may open it, an elision may not:
# "l'espace-jeunes") and before a domain whose dots are written as such, with a common top-level domain: "chez les
# familles", "chez Emmaüs" and "chez helloasso.com" stay prose.
LOCAL_PART = r"(?<![\w%+!#$&*=?^`~.-])(?<![^\W\d_]')(?=[\w.+-]{0,63}[^\W\d_])(?=[\w+-]{0,63}[._\d-])[\w][\w.+-]{0,63}"
# " à " too, and the domain's dots written " point " as well: "marie.dupont à gmail point com".
CHEZ_EMAIL = re.compile(
    rf"{LOCAL_PART}\s{{1,3}}(?:chez|à)\s{{1,3}}{LABEL}(?:(?:\.(?!\.)|{BRACKETED_DOT}|{BARE_DOT}){LABEL}){{0,8}}?"
    rf"(?:\.|{BRACKETED_DOT}|{BARE_DOT})"
    rf"(?:{'|'.join(sorted(COMMON_DOMAINS, key=len, reverse=True))}){AFTER_ADDRESS}", re.IGNORECASE)
# An address at a mail provider, its top-level domain left out ("mariedupont@gmail"): the provider names the domain.
MAIL_PROVIDERS = ("gmail googlemail hotmail outlook live msn yahoo ymail icloud me aol gmx orange wanadoo free "
                  "laposte sfr neuf bbox numericable proton protonmail tutanota zoho yandex mailo").split()
PROVIDER_EMAIL = re.compile(rf"(?<![\w%+'!#$&*=?^`~-]){WORD_CHARS}{{1,64}}@\s{{0,3}}(?:{'|'.join(MAIL_PROVIDERS)})"
                            rf"(?![\w.-]*[^\W_])", re.IGNORECASE)
# A comma, a semicolon or a space for the domain's last dot ("jean.dupont@exemple,fr", "jean.dupont@exemple fr"):
# only before a common top-level domain that is no word of a sentence (not "de", "me", "it"…), and after an at sign
# written against the name (not an elision: "l'@import de…") and the domain, or spaced after a name shaped as an
# address's ("jean.dupont @ exemple, fr"; not "merci @Marie, me voilà").
WORDS_AMONG_DOMAINS = frozenset("de es me it be re ma us ca co ci eu io pt mail email site online info int paris"
                                .split())
LAST_DOT_EMAIL = re.compile(
    rf"(?:(?<![\w%+'!#$&*=?^`~-]){WORD_CHARS}{{1,64}}(?:(?<!')@|{BRACKETED_AT})|{LOCAL_PART}(?:\s{{1,3}}@\s{{0,3}}|@\s{{1,3}}))"
    rf"{LABEL}(?:\.(?!\.){LABEL}){{0,8}}?(?:\s{{0,3}}[,;]\s{{0,3}}|\s{{1,3}})(?:"
    + "|".join(sorted(set(COMMON_DOMAINS) - WORDS_AMONG_DOMAINS, key=len, reverse=True)) + rf"){AFTER_ADDRESS}",
    re.IGNORECASE)
AT_OR_BRACKET = re.compile(r"[@(\[{<]")
AT_SIGN = re.compile("@")
AT_WORD = re.compile(r"(?<![^\W\d_])(?:at|arobase|arobas|arrobase|arobe|arroba|chiocciola|klammeraffe|à|a|chez)"
                     r"(?![^\W\d_])", re.IGNORECASE)
WINDOW = 700  # characters searched each side of an "@" or an "at": more than any address spans
MAX_HINTS = 2000  # windows searched one by one; past that, the whole text is searched
# "logo@2x.png" is a file, not an address
FILE_EXTENSIONS = frozenset((
    "png jpg jpeg gif svg webp avif bmp tif tiff ico pdf htm html php asp aspx jsp js css txt csv tsv ttl nt jsonld "
    "json xml rdf doc docx odt xls xlsx ods ppt pptx odp mp3 mp4 avi mkv wav ogg webm gz tgz bz2 7z rar").split())


def _has_email(text: str) -> bool:
    """Whether an address is written in the text: searched around each "@", then each "at" word."""
    for hints in (AT_SIGN, AT_WORD):
        searched, covered = 0, -1
        for hint in hints.finditer(text):
            if hint.start() < covered:  # its address lies in the window searched last
                continue
            if searched == MAX_HINTS:
                return _has_address(text)
            if _has_address(text[max(0, hint.start() - WINDOW):hint.end() + WINDOW]):
                return True
            searched, covered = searched + 1, hint.end() + WINDOW // 2
    return False


def _has_address(text: str) -> bool:
    # an address at an IP literal (jean@[192.0.2.1]) has no top-level domain, and is an address all the same
    if any((match.group("tld") or "@").lower() not in FILE_EXTENSIONS for match in EMAIL.finditer(text)):
        return True
    if any(pattern.search(text) is not None for pattern in (LOOSE_EMAIL, CHEZ_EMAIL, PROVIDER_EMAIL)):
        return True
    # around an "at" word of a sentence, most windows hold neither an at sign nor a bracket
    return AT_OR_BRACKET.search(text) is not None and LAST_DOT_EMAIL.search(text) is not None


# An identifier (a slug: words joined by "-", "_" or ".") spelling an address with its punctuation made dashes:
# "jean-dupont-gmail-com", "jean-dupont-arobase-gmail-com", "jean_dupont_at_orange_fr", "j.dupont.laposte.net". Made an
# IRI, it publishes the address no text search recognises. A mail provider's domain, with its top-level domain, after
# a local part: the provider names the domain, so that the at sign may be left out. Each provider's real domains
# only, so that an organisation named after the company ("fondation-orange", "free-compagnie", "la-poste",
# "laposte-35") is not read as one; a web site's name ("www-orange-fr") is no address either.
PROVIDER_DOMAINS: dict[str, tuple[str, ...]] = {
    "gmail": ("com",), "googlemail": ("com",), "hotmail": ("fr", "com", "be", "co uk"), "outlook": ("fr", "com", "be"),
    "live": ("fr", "com", "be"), "msn": ("com",), "yahoo": ("fr", "com", "co uk"), "ymail": ("com",),
    "icloud": ("com",), "me": ("com",), "aol": ("com", "fr"), "gmx": ("fr", "com", "de", "net"), "orange": ("fr",),
    "wanadoo": ("fr",), "free": ("fr",), "laposte": ("net", "fr"), "sfr": ("fr",), "neuf": ("fr",),
    "bbox": ("fr",), "numericable": ("fr",), "proton": ("me",), "protonmail": ("com", "ch"),
    "tutanota": ("com",), "zoho": ("com",), "yandex": ("ru", "com"), "mailo": ("com",),
}
PROVIDER_WORDS = {provider: tuple(tuple(domain.split()) for domain in domains)
                  for provider, domains in PROVIDER_DOMAINS.items()}
SLUG_AT = frozenset(("at", "arobase", "arobas", "arrobase", "arobe", "arroba", "chez", "@"))
# after an at word, a provider's name alone is enough ("jean-dupont-arobase-gmail"), but for those that are words
PROVIDER_NAMES = frozenset(MAIL_PROVIDERS) - {"me", "live", "free", "orange", "neuf", "proton"}
# after an at word, any domain ending the identifier with one of these top-level domains ("jean-arobase-exemple-fr"):
# not "paris", "info" or "de", words of an organisation's name ("repas-chez-nous-paris")
SLUG_DOMAINS = frozenset("fr com org net eu be ch io biz uk nl pt".split())
WEB_WORDS = frozenset(("www", "http", "https", "site", "web"))  # "www-free-fr" is a web site
SLUG_WORD = re.compile(r"@|[^\W_]+")
IRI_AUTHORITY = re.compile(r"[a-z][a-z0-9+.-]*:/{2,3}[^/?#]*", re.IGNORECASE)  # its host, and a nested IRI's
IRI_SEGMENT = re.compile(r"[/?#&=;:]+")
# a provider's name or an at word: an IRI without one is not searched further (most are not)
SLUG_HINT = re.compile(r"(?<![^\W_])(?:" + "|".join(sorted({*PROVIDER_DOMAINS, *SLUG_AT} - {"@"}, key=len,
                                                             reverse=True)) + r")(?![^\W_])|@", re.IGNORECASE)


def address_in_identifier(identifier: str) -> bool:
    """Whether an identifier spells an e-mail address with its punctuation made dashes (or underscores, or dots):
    a local part, then `arobase`, `at`, `chez` or nothing, then a mail provider's domain and its top-level domain as
    words (`jean-dupont-gmail-com`, `jean-dupont-at-hotmail-fr`), or a local part, an at word and any domain ending
    the identifier with a common top-level domain (`jean-arobase-exemple-fr`)."""
    words = SLUG_WORD.findall(normalised(identifier).lower())
    for i in range(1, len(words)):
        local = words[:i - 1] if words[i - 1] in SLUG_AT else words[:i]
        if not local or local[-1] in WEB_WORDS:
            continue
        # a provider whose name is a word ("live", "free", "orange"), with no at word: its domain ends the identifier
        # ("radio-live-fr-2024" is a radio)
        ends = words[i - 1] not in SLUG_AT and words[i] not in PROVIDER_NAMES
        if any(tuple(words[i + 1:i + 1 + len(domain)]) == domain and (not ends or i + 1 + len(domain) == len(words))
               for domain in PROVIDER_WORDS.get(words[i], ())):
            return True
        if words[i - 1] in SLUG_AT and (words[i] in PROVIDER_NAMES and i == len(words) - 1
                                        or 2 <= len(words) - i <= 4 and words[-1] in SLUG_DOMAINS):
            return True
    return False


# ---------------------------------------------------------------- numbers: NIR, IBAN, phone

SEPARATOR = r"[\s./_|·•-]{0,3}"
# A NIR is 15 characters (sex, year, month, département or 2A/2B, commune, order, key), maybe grouped;
# every start is tried (the lookahead), so that a run of digits before it does not hide it.
NIR = re.compile(rf"(?<![0-9A-Za-z])(?=([1-478](?:{SEPARATOR}[0-9AB]){{14}})(?![0-9A-Za-z]))", re.IGNORECASE)
NIR_MONTH = re.compile(r"0[1-9]|1[0-2]|[2-9]\d")  # 20 and up: month unknown or registered abroad
# A NIR without its key (13 characters, not followed by two more digits): it counts when it is laid out as one,
# in one block or in its groups (1 84 12 76 451 089), with a real month and a real département (2A and 2B
# included) and order number, since there is no key to check; so a run of small numbers is not read as one.
NIR_WITHOUT_KEY = re.compile(rf"(?<![0-9A-Za-z])([1-478]{SEPARATOR}\d\d{SEPARATOR}\d\d{SEPARATOR}(?:\d\d|2[AB])"
                             rf"{SEPARATOR}\d{{3}}{SEPARATOR}\d{{3}})(?!{SEPARATOR}\d)(?![0-9A-Za-z])", re.IGNORECASE)
NIR_BODY = re.compile(r"[1-478]\d\d(?:0[1-9]|1[0-2])(?:0[1-9]|[1-8]\d|9[0-9]|2[AB])\d{3}(?!000)\d{3}")
# In either case; a check digit may be written O, I or L (one of them at most). Its country code starts a word, or
# follows the word IBAN glued to it ("IBANFR76…"): read inside a word ("euRO 23 pour…", "numéRO 83 pour…"),
# a sentence's next words made an account of a country whose accounts may hold letters.
IBAN = re.compile(rf"(?:(?<![^\W\d_])|(?<=IBAN))[A-Z]{SEPARATOR}[A-Z]{SEPARATOR}"
                  rf"(?:\d{SEPARATOR}[\dOIL]|[OIL]{SEPARATOR}\d)(?:{SEPARATOR}[0-9A-Z]){{11,30}}", re.IGNORECASE)
# A word of letters only, five or more, beside no digit: prose, never part of an account number, whose letters come
# in groups of four at most when it is grouped ("GB82 WEST 1234…") and beside its digits when it is not
PROSE_WORD = re.compile(r"(?<![^\W_])[^\W\d_]{5,}(?![^\W_])")
NOT_ALPHANUMERIC = re.compile(r"[^0-9A-Za-z]+")
# A French bank account written without the IBAN's country code: the RIB (bank 5 digits, branch 5, account 11 letters
# or digits, key 2), alone or after the IBAN's two check digits ("RIB 30006 00001 12345678901 89", "76 3000 6000…"),
# grouped or not; it counts when its key (or the IBAN's, read with FR before it) is right
RIB = re.compile(rf"(?<![0-9A-Z])(?=((?:\d{SEPARATOR}){{10}}(?:[0-9A-Z]{SEPARATOR}){{11}}\d{SEPARATOR}\d)"
                 rf"(?![0-9A-Z]))")
RIB_LETTERS = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "12345678912345678923456789")
IBAN_REGISTRY = numdb.get("iban")
LETTERS_AS_DIGITS = {ord(c): str(ord(c) - ord("A") + 10) for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"}
READ_AS_DIGITS = str.maketrans("OIL", "011")  # letters written for digits, in an upper-cased IBAN
# Numbers that reach a service, not a person: free, shared-cost, special-rate and universal access numbers.
SERVICE_NUMBERS = {PhoneNumberType.TOLL_FREE, PhoneNumberType.SHARED_COST, PhoneNumberType.PREMIUM_RATE,
                   PhoneNumberType.UAN}
# A French mobile number (06, 07) laid out in its pairs counts by its layout, allocated or not ("07 12 34 56 78"); a
# number after it would make it part of a longer one.
MOBILE_LAYOUT = re.compile(r"(?<![\w+.,-])(?<!\d )0[67](?: \d\d){4}(?![\w]| \d)")
# an amount with its cents: the number phonenumbers reads in "331000000.00" (+33 1 00 00 00 00) is no phone number,
# while "06.12.34.56.78", "0612345678.00" and "+33…" still are (a phone's groups are short, it starts with 0 or +)
AMOUNT = re.compile(r"(?:[1-9]\d{2,}|[1-9]\d{0,2}(?:[ \u00a0\u202f.]\d{3})+)[.,]\d{2}")  # 331 000 000,00 too
MIN_DIGITS = 8  # no phone number or NIR has fewer
MIN_IBAN = 15  # the shortest IBANs (Norway's)
NIR_DIGITS = 13  # a NIR has 15 characters, two of which may be letters (2A, 2B); without its key, 13

# ---------------------------------------------------------------- contact IRIs and messaging addresses

CONTACT_SCHEMES = {
    "mailto": EMAIL_ADDRESS,
    **dict.fromkeys(("tel", "sms", "mms", "fax", "modem", "callto", "sip", "sips", "facetime", "facetime-audio",
                     "whatsapp"), PHONE_NUMBER),
    **dict.fromkeys(("xmpp", "im", "skype", "tg", "viber", "sgnl", "signal", "msnim", "aim", "ymsgr", "gtalk",
                     "matrix", "discord", "threema"), MESSAGING_ADDRESS),
}
CONTACT_HOSTS = {  # links that open a conversation with someone
    **dict.fromkeys(("wa.me", "wa.link", "api.whatsapp.com", "web.whatsapp.com"), PHONE_NUMBER),
    **dict.fromkeys(("t.me", "telegram.me", "telegram.dog", "signal.me", "m.me", "messenger.com", "join.skype.com",
                     "threema.id", "matrix.to"), MESSAGING_ADDRESS),
}
# Links that open a conversation with one person on a service whose other links name groups: the path tells
# (Facebook's messages, a Teams chat, a Discord user or direct message). A group's invitation (chat.whatsapp.com,
# discord.gg, signal.group, t.me/joinchat/, a Teams team or channel) names a group, not a person, and passes.
CONVERSATION_PATHS = {
    **dict.fromkeys(("facebook.com", "m.facebook.com", "web.facebook.com"), ("messages/t/", "messages/e2ee/t/")),
    **dict.fromkeys(("teams.microsoft.com", "teams.live.com"), ("l/chat/",)),
    **dict.fromkeys(("discord.com", "discordapp.com"), ("users/", "channels/@me/")),
}
TEAMS_SCHEMES = ("msteams", "ms-teams")  # "msteams:/l/chat/0/0?users=…": a Teams chat, opened in the application
GROUP_INVITATIONS = ("joinchat/",)  # t.me/joinchat/…: a Telegram group's invitation
CONVERSATION_IN_TEXT = re.compile(
    r"(?<![\w.+-])(?:(?:https?://)?(?:www\.)?(?:" + "|".join(
        re.escape(host) + "/(?:" + "|".join(re.escape(path) for path in paths) + ")"
        for host, paths in CONVERSATION_PATHS.items()) + r")|(?:" + "|".join(TEAMS_SCHEMES) + r"):/{0,2}l/chat/)"
    r"(?=[\w@~%+-])", re.IGNORECASE)
CONVERSATION_HOSTS = ("facebook", "teams", "discord")  # looked for first: rare in a text
# in a text: a contact IRI written out ("skype:jean.dupont", "https://wa.me/33612345678", "t.me/jeandupont")
TEXT_SCHEMES = ("mailto", "tel", "sms", "callto", "sip", "sips", "facetime", "whatsapp", "xmpp", "skype", "tg",
                "viber", "sgnl")  # the schemes no word of a sentence is spelt like
CONTACT_IN_TEXT = re.compile(
    r"(?<![\w.+-])(?:(?P<scheme>" + "|".join(sorted(TEXT_SCHEMES, key=len, reverse=True)) + r"):(?=[\w+%/])"
    r"|(?:https?://)?(?:www\.)?(?P<host>" + "|".join(re.escape(h) for h in CONTACT_HOSTS) + r")/"
    r"(?!" + "|".join(GROUP_INVITATIONS) + r")(?=[\w+@~-]))",
    re.IGNORECASE)
IRI_HOST = re.compile(r"^[a-z][a-z0-9+.-]*://(?:[^/?#@]*@)?(?:www\.)?([^/?#:]+)", re.IGNORECASE)


CACHED_TEXT = 1_000  # the longest text whose finding is kept: the values of a sheet and the messages repeat


def personal_data(text: str) -> list[Kind]:
    """The kinds of personal data found in a text, each once, in a stable order."""
    return list(_text_kinds(text)) if len(text) <= CACHED_TEXT else _kinds_of(text)


@lru_cache(maxsize=8192)
def _text_kinds(text: str) -> tuple[Kind, ...]:
    return tuple(_kinds_of(text))


def _kinds_of(text: str) -> list[Kind]:
    return _sorted(kind for reading in _readings(text) for kind in _find_read(normalised(_dated(reading))))


# a day and its time, as a spreadsheet exports a date cell holding one (`01/03/2024 00:00`) or a text says it
# (`séance du 01/03/2024 14:30`): a valid date, then a valid time; read as digits in groups, "01 03 2024 14 30" was a
# landline number
DATE_TIME = re.compile(r"(?<![\d/.-])(?:0?[1-9]|[12]\d|3[01])([/.-])(?:0?[1-9]|1[0-2])\1(?:19|20)\d{2}"
                       r"(?:[ T]+|\s*à\s*)(?:[01]?\d|2[0-3])[:h][0-5]\d(?::[0-5]\d)?(?![\d:/.-])"
                       r"|(?<![\d/.-])(?:19|20)\d{2}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])[ T]+(?:[01]\d|2[0-3])"
                       r":[0-5]\d(?::[0-5]\d)?(?![\d:/.-])")


def _dated(text: str) -> str:
    """The text with each date and time it gives (`01/03/2024 14:30`) as one word, which no number reads in."""
    return DATE_TIME.sub(" date ", text) if ":" in text or "h" in text else text


def _readings(text: str) -> Iterator[str]:
    """The text, the text as it is displayed when markup or a right-to-left override rearranges it, and the texts
    its base64 tokens decode to."""
    yield text
    yield from encoded_texts(text)
    if (formula := formula_text(text)) is not None:
        yield formula
    if "<" in text and ">" in text:
        yield MARKUP.sub("", text)  # "jean<b>@</b>exemple.fr"
    if "\u202e" in text:
        yield RIGHT_TO_LEFT.sub(lambda m: m.group(1)[::-1], text)  # "\u202erf.elpmexe@naej" shows jean@exemple.fr


def personal_data_in_iri(iri: str) -> list[Kind]:
    """The kinds of personal data an IRI is or holds: a contact IRI (`mailto:`, `tel:`, `xmpp:`, `wa.me/`…),
    or personal data anywhere in it (`http://example.org/id/person/jean@example.org`)."""
    return list(_iri_kinds(iri))


@lru_cache(maxsize=16384)  # the IRIs of a batch repeat, and those of the vocabulary repeat across batches
def _iri_kinds(iri: str) -> tuple[Kind, ...]:
    text = normalised(iri)
    found = [kind for reading in (text, *map(normalised, encoded_texts(iri))) for kind in _find_read(reading)]
    path = IRI_AUTHORITY.sub("/", text)
    if SLUG_HINT.search(path) is not None and any(map(address_in_identifier, IRI_SEGMENT.split(path))):
        found.append(EMAIL_ADDRESS)  # a slug spelling an address: `{base}id/funding/jean-dupont-gmail-com`
    scheme = text.split(":", 1)[0].strip().lower() if ":" in text else ""
    if scheme in CONTACT_SCHEMES:
        found.append(CONTACT_SCHEMES[scheme])
    if scheme in TEAMS_SCHEMES and text.split(":", 1)[1].lstrip("/").lower().startswith("l/chat/"):
        found.append(MESSAGING_ADDRESS)
    host = IRI_HOST.match(text.strip())
    if host is not None:
        name, path = host.group(1).lower().rstrip("."), text.strip()[host.end(1):].lstrip("/").lower()
        if name in CONTACT_HOSTS and path.strip("/") and not path.startswith(GROUP_INVITATIONS):
            found.append(CONTACT_HOSTS[name])
        if path.startswith(CONVERSATION_PATHS.get(name, ())):
            found.append(MESSAGING_ADDRESS)
    return tuple(_sorted(found))


WORDS_FR = {"email": "adresse e-mail", "phone": "numéro de téléphone", "nir": "NIR", "iban": "IBAN",
            "messaging": "adresse de messagerie"}  # a kind's short name in a French message


def masked(kinds: Iterable[Kind], lang: str = "en") -> str:
    """What is shown in place of a piece of personal data: its kinds only, e.g. "*** (email)", in French
    "*** (adresse e-mail)"."""
    codes = sorted({kind.code for kind in kinds})
    return "*** (" + ", ".join(WORDS_FR.get(c, c) if lang == "fr" else c for c in codes) + ")"


MASK_MARK = re.compile(r"\*\*\* \(((?:" + "|".join(WORDS_FR) + r")(?:, (?:" + "|".join(WORDS_FR) + r"))*)\)")


def in_language(text: str, lang: str) -> str:
    """A text's masks ("*** (phone)") in a language's words: in French, "*** (numéro de téléphone)"."""
    if lang != "fr":
        return text
    return MASK_MARK.sub(lambda m: "*** (" + ", ".join(WORDS_FR[c] for c in m.group(1).split(", ")) + ")", text)


QUOTED = re.compile(r"<[^<>\s]*>|'[^'\n]*'|\"[^\"\n]*\"|«[^«»\n]*»|“[^“”\n]*”|\([^()\n]*\)|\[[^\[\]\n]*\]")
IRI_BREAK = re.compile(r"\s")  # an IRI has no spaces: a sentence is not read as one
TOKEN_RUN = re.compile(r"[^\s'\"<>«»“”]+(?:[ \u00a0\u202f]+[^\s'\"<>«»“”]*\d[^\s'\"<>«»“”]*)*")
# within a quoted or bracketed part (a place: `[file › sheet, row 2, column « header »]`): a run of words holding
# digits (a phone number written in groups), else one word, between the place's separators
PART = r"[^\s,;›'\"<>«»“”()\[\]]"
FINE_RUN = re.compile(rf"{PART}*\d{PART}*(?:[ \u00a0\u202f]+{PART}*\d{PART}*)*|{PART}+")


def redact(text: str, lang: str = "en") -> str:
    """The text (a message, a log line) with each piece of personal data it quotes shown as its kinds (in the
    words of lang, the text's language).

    Quoted and bracketed parts, then words and runs of number-like words, are masked where they hold
    personal data (in a quoted part, only its words that hold some when that suffices: a place keeps its
    file, sheet, row and column); if the text still holds some, it is replaced whole by the kinds found.
    """
    found = _kinds_anywhere(text)
    if not found:
        return text

    def mask(match: re.Match[str]) -> str:
        kinds = _kinds_anywhere(match.group())
        return masked(kinds, lang) if kinds else match.group()

    def mask_quoted(match: re.Match[str]) -> str:
        part = match.group()
        if not _kinds_anywhere(part):
            return part
        finer = FINE_RUN.sub(mask, part)
        return finer if not _kinds_anywhere(finer) else mask(match)

    for pattern, how in ((QUOTED, mask_quoted), (TOKEN_RUN, mask)):
        text = pattern.sub(how, text)
        if not _kinds_anywhere(text):
            return text
    return masked(found, lang) + (" (un texte citant une donnée personnelle, non répété)" if lang == "fr" else
                                  " (a text quoting personal data, not repeated)")


def _kinds_anywhere(text: str) -> list[Kind]:
    iri = text.strip("<>")
    return _sorted([*personal_data(text), *(personal_data_in_iri(iri) if ":" in iri and not IRI_BREAK.search(iri)
                                             else [])])


def _sorted(kinds: Iterable[Kind]) -> list[Kind]:
    found = {kind.code: kind for kind in kinds}
    return [found[code] for code in sorted(found)]


def _find_read(text: str) -> Iterator[Kind]:
    """The kinds found in a normalised text, and in it with letters read as digits."""
    yield from _find(text)
    if (read := digits_read(text)) != text:
        yield from _find(read)
    if (shaped := shapes_read(text)) not in (text, read):
        yield from _find(shaped)


def _find(text: str) -> Iterator[Kind]:
    if _has_email(text):
        yield EMAIL_ADDRESS
    if ":" in text or "/" in text:
        for match in CONTACT_IN_TEXT.finditer(text):
            yield CONTACT_SCHEMES[match.group("scheme").lower()] if match.group("scheme") \
                else CONTACT_HOSTS[match.group("host").lower()]
        if any(host in text.lower() for host in CONVERSATION_HOSTS) and CONVERSATION_IN_TEXT.search(text) is not None:
            yield MESSAGING_ADDRESS
    digits = sum(map(str.isdigit, text))
    if digits >= 2 and len(text) >= MIN_IBAN and (_has_iban(text) or digits >= 12 and _has_rib(text.upper())):
        yield BANK_ACCOUNT  # its account number may be letters
    if digits < MIN_DIGITS:  # in C: most texts of a batch stop here
        return
    if digits >= NIR_DIGITS - 2 and (
            any(_is_nir(candidate) for candidate in {m.group(1) for m in NIR.finditer(text)})
            or any(_is_nir_body(m.group(1)) for m in NIR_WITHOUT_KEY.finditer(text))):
        yield SOCIAL_SECURITY_NUMBER
    if MOBILE_LAYOUT.search(text) is not None or _has_phone_number(text):
        yield PHONE_NUMBER


def _is_nir(candidate: str) -> bool:
    number = NOT_ALPHANUMERIC.sub("", candidate).upper()
    if not NIR_MONTH.fullmatch(number[3:5]):
        return False
    if number[5:7] in ("2A", "2B") and _is_nir_body(number[:13]) and number[13:].isdigit():
        return True  # Corsican: 2A or 2B where the département goes is no other number's; its key is often miscounted
    body = number[:5] + number[5:7].replace("2A", "19").replace("2B", "18") + number[7:13]
    # the key, computed here first as a cheap filter; stdnum has the last word
    return body.isdigit() and number[13:].isdigit() and 97 - int(body) % 97 == int(number[13:]) \
        and nir_number.is_valid(number)


def _has_iban(text: str) -> bool:
    """Whether an IBAN with a right key starts anywhere in the text, grouped or not."""
    position = 0
    while (match := IBAN.search(text, position)) is not None:
        position = match.start() + 1  # every start is tried: a false candidate must not hide the next one
        number = NOT_ALPHANUMERIC.sub("", match.group()).upper()
        length = _iban_length(number[:2])
        if length and len(number) >= length and any(map(_is_iban, _iban_readings(number[:length]))) \
                and _is_written_as_account(text, match.start(), length):
            return True
    return False


def _is_written_as_account(text: str, start: int, length: int) -> bool:
    """Whether the IBAN of `length` characters that starts at `start` is written as an account number, not as a
    sentence: its account part (past the country code and key) holds a digit, its letters but the first (and but O,
    I and L, which may stand for digits) are of one case ("Fr76 3000…", "gb82 west…"; not "Md 60 ups HLM 31 84
    who…"), and it holds no word of five letters or more ("PS 27 pour accompagner les familles…"), nor, but as its last
    group, a group of two or three letters ("ro 85 they 77 48 damp half post see…"): its letters come in groups of
    four (a bank's code, "GB82 WEST 1234…"), or one (Italy's check letter, "IT60 X 05428…"), or beside digits."""
    end, seen = start, 0
    while seen < length:  # where its last character is written
        seen, end = seen + (text[end].isascii() and text[end].isalnum()), end + 1
    written = NOT_ALPHANUMERIC.sub("", text[start:end])
    if not any(c.isdigit() for c in written[4:]):
        return False
    letters = "".join(c for c in written[1:] if c.isalpha() and c not in "OoIiLl")  # those may stand for digits
    if letters != letters.upper() and letters != letters.lower():
        return False
    groups, counted = NOT_ALPHANUMERIC.split(text[start:end]), 0
    while groups and counted + len(groups[0]) <= 4:  # the country code and check digits, written apart
        counted += len(groups.pop(0))
    if any(2 <= len(group) <= 3 and group.isalpha() and group.strip("OoIiLl") for group in groups[:-1]):
        return False
    return all(word.end() <= start + 4 or word.start() >= end for word in PROSE_WORD.finditer(text, max(0, start - 64),
                                                                                            end + 64))


def _has_rib(text: str) -> bool:
    """Whether a French RIB with a right key starts anywhere in the (upper-case) text, or the IBAN made of one with
    its country code left out (its check digits right once FR is put back)."""
    for match in RIB.finditer(text):
        number = NOT_ALPHANUMERIC.sub("", match.group(1))
        if _is_rib(number) or any(map(_is_iban, _iban_readings("FR" + number[:2] + _rib_after(text, match)))):
            return True
    return False


def _rib_after(text: str, match: re.Match[str]) -> str:
    """The 23 characters that follow a candidate's two first digits, read as the rest of an IBAN without FR."""
    return NOT_ALPHANUMERIC.sub("", text[match.start(1):])[2:25]


def _is_rib(number: str) -> bool:
    """A RIB's key: 97 minus (89 × bank + 15 × branch + 3 × account, its letters read as digits) modulo 97."""
    bank, branch, account, key = number[:5], number[5:10], number[10:21].translate(RIB_LETTERS), number[21:23]
    return account.isdigit() and key.isdigit() and 97 - (89 * int(bank) + 15 * int(branch) + 3 * int(account)) % 97 \
        == int(key)


def _iban_readings(number: str) -> Iterator[str]:
    """An IBAN as written, then with O read as 0, and I and L as 1, past its country code ("FR76 3OOO 6OOO…")."""
    yield number
    if (read := number[:2] + number[2:].translate(READ_AS_DIGITS)) != number:
        yield read


@cache
def _iban_length(country: str) -> int:
    """The length of the country's IBANs (0 when the country has none), from python-stdnum's registry."""
    info = IBAN_REGISTRY.info(country)[0][1]
    return 4 + sum(int(n) for n in re.findall(r"(\d+)!", info["bban"])) if "bban" in info else 0


def _is_nir_body(candidate: str) -> bool:
    """Whether 13 characters are laid out as a NIR without its key."""
    return NIR_BODY.fullmatch(NOT_ALPHANUMERIC.sub("", candidate).upper()) is not None


def _is_iban(number: str) -> bool:
    # the key (ISO 7064 mod 97-10), computed here first as a cheap filter; stdnum has the last word
    rearranged = (number[4:] + number[:4]).translate(LETTERS_AS_DIGITS)
    # its structure and key, not the national account checks (a Belgian account's own key, for instance): an
    # IBAN of any country is a bank account whatever its national digits say
    return rearranged.isdigit() and int(rearranged) % 97 == 1 and iban_number.is_valid(number, check_country=False)


def _has_phone_number(text: str) -> bool:
    for match in phonenumbers.PhoneNumberMatcher(text, "FR", leniency=phonenumbers.Leniency.VALID):
        if phonenumbers.number_type(match.number) not in SERVICE_NUMBERS and not AMOUNT.fullmatch(match.raw_string):
            return True
    return False

"""Relation and label names as words: ``/people/person/place_of_birth`` reads "place of birth".

The retrieve strategy scores relation paths by these words, and ``forms`` matches answer types against graph
labels with them; both import it from here, below the strategies.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import cast

from kgreason.graph.node_text import strip_accents

_SPLIT = re.compile(r"[_\-./:\s]+|(?<=[a-z])(?=[A-Z])")


@functools.lru_cache(maxsize=65536)
def humanize(relation: str) -> str:
    """``/people/person/place_of_birth`` -> ``place of birth``; ``directedBy`` -> ``directed by``."""
    tail = relation.rstrip("/").rsplit("/", 1)[-1] if "/" in relation else relation
    return " ".join(w.lower() for w in _SPLIT.split(tail) if w)


# Irregular past forms of verbs relations are named by, read as the verb ("took" ~ ``taken_by``, "sold" ~
# ``sold_to``); not "found" (find, or found a company) nor "left".
_IRREGULAR = {
    **dict.fromkeys(("took", "taken"), "take"),
    **dict.fromkeys(("wrote", "written"), "write"),
    **dict.fromkeys(("gave", "given"), "give"),
    **dict.fromkeys(("drew", "drawn"), "draw"),
    **dict.fromkeys(("sang", "sung"), "sing"),
    **dict.fromkeys(("began", "begun"), "begin"),
    **dict.fromkeys(("saw", "seen"), "see"),
    **dict.fromkeys(("spoke", "spoken"), "speak"),
    **dict.fromkeys(("chose", "chosen"), "choose"),
    **dict.fromkeys(("knew", "known"), "know"),
    **dict.fromkeys(("flew", "flown"), "fly"),
    "shown": "show",
    "sold": "sell",
    "bought": "buy",
    "built": "build",
    **dict.fromkeys(("spun", "span"), "spin"),
    "held": "hold",
    "led": "lead",
    "won": "win",
    "lost": "lose",
    "taught": "teach",
    "made": "make",
    "ran": "run",
    "brought": "bring",
    "caught": "catch",
    "fought": "fight",
    "paid": "pay",
    "sent": "send",
    "lent": "lend",
    "spent": "spend",
    "told": "tell",
}


# Plurals that are no singular with an -s ("genera", "taxa"): read as their singular wherever a word is
# compared ("Which genera ..." names ``Genus``)
IRREGULAR_PLURALS = {
    "genera": "genus",
    "taxa": "taxon",
    "phyla": "phylum",
    "fungi": "fungus",
    "alumni": "alumnus",
    "larvae": "larva",
    "bacteria": "bacterium",
    "curricula": "curriculum",
    "criteria": "criterion",
    "phenomena": "phenomenon",
    "men": "man",
    "women": "woman",
    "geese": "goose",
    "mice": "mouse",
    "indices": "index",
    "theses": "thesis",
    "analyses": "analysis",
}


# Nouns of an action whose verb a relation may be named by: "-iption" of "-ibe" ("description",
# "subscription"), "-uction" of "-uce" ("production", "introduction"); not "-ation", whose nouns are often
# things of their own ("association" is no "associate", "station" no "state")
_NOMINAL = re.compile(r"^(?:(\w+ri)ptions?|(\w+u)ctions?)$")


def _verb_of(match: re.Match[str]) -> str:
    return match.group(1) + "be" if match.group(1) else match.group(2) + "ce"


# (words before "award" that make it a noun or passive: "which awards", "the award", "was awarded")
_AWARD_BEFORE = "".join(
    f"(?<!{w} )"
    for w in "which what many the of its his her their an a was were been be is are being".split()
)


def _repeated(times: int) -> Callable[[re.Match[str]], str]:
    """The replacement of "three teachers back": "teachers of the teachers of the teachers" (and "of" after
    a step up or down said before its start: "two levels above" X is "levels of the levels of" X)."""

    def replace(match: re.Match[str]) -> str:
        ahead = "" if match.group(2) or match.group(3) else " of"
        return " of the ".join([match.group(1)] * times) + ahead

    return replace


_PLACED = r"(?:come|comes|came|coming|finish|finishes|finished|finishing|place|places|placed|placing)"
"""The verbs of where a contestant ended ("came first", "finished second")."""


# Phrasal verbs and idioms whose words name some other relation, read as the plain verb they mean ("Who
# took over X?" asks who acquired X, not who took a photograph of it). Each pattern is matched in lower
# case or not, within the words between named entities; its replacement is the verb the idiom means.
_Plain = str | Callable[[re.Match[str]], str]
_IDIOMS: tuple[tuple[re.Pattern[str], _Plain], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), plain)
    for pattern, plain in cast(
        "tuple[tuple[str, _Plain], ...]",
        (
            # a thing that "took over from" another replaced it; one that "took over" a firm acquired it
            (r"\b(?:took|takes?|taken|taking) over from\b", "replaced"),
            (r"\b(?:took|takes?|taken|taking) over\b", "acquired"),
            # a firm "snapped up", "swallowed up" or "bought out" was acquired
            (
                r"\b(?:snap|snaps|snapped|snapping|swallow|swallows|swallowed|swallowing|gobble|gobbles|"
                r"gobbled|gobbling|buy|buys|bought|buying) (?:up|out)\b",
                "acquired",
            ),
            (r"\b(?:took|takes?|taken|taking) the place of\b", "replaced"),
            # whoever "took on" someone "as" a pupil accepted them (not a photograph taken, nor one
            # "taken on the expedition")
            (r"\b(?:took|takes?|taken|taking) on(?= (?:as|X)\b)", "accepted"),
            (r"\b(?:went|goes|go|gone|going) under the hammer\b", "sold at auction"),
            (r"\b(?:put|puts|putting|sent|send|sends|sending) (?:up )?(?:for|to) (?:auction|sale)\b", "sold"),
            (r"\bup for (?:auction|sale)\b", "sold"),
            (r"\b(?:put|puts|putting) on\b", r"\g<0> (staged)"),
            # a patient who "went under X's knife" was operated on by X, as was one X "took a scalpel to"
            (
                r"\b(?:go|goes|went|gone|going|come|comes|came|coming) under X(?:'s|')? knife\b",
                "been operated on by X",
            ),
            (r"\bunder X(?:'s|')? knife\b", "operated on by X"),
            (
                r"\b(?:go|goes|went|gone|going|come|comes|came|coming) under the knife of\b",
                "been operated on by",
            ),
            (r"\bunder the knife of\b", "operated on by"),
            (r"\b(?:took|takes?|taken|taking) (?:a|the|his|her|their) (?:scalpel|knife) to\b", "operated on"),
            (
                # (not "gone under X's knife", above)
                r"\b(?:go|goes|went|gone|going) "
                r"(?:under(?!(?: [\w']+){1,4} knife\b)|bust|bankrupt|out of business)\b",
                "closed (dissolved, wound up)",
            ),
            (r"\b(?:set|sets|setting) up\b", "founded"),
            # whoever "puts up the money for" a thing funds it (not money put up "in" a loan, lent)
            (r"\b(?:put|puts|putting) up (?:the )?(?:money|cash|funds|funding) for\b", "funded"),
            # whoever "fought at" a battle took part in it ("fought in" may say where: "the campaigns
            # fought in the war" are parts of it)
            (r"\b(?:fight|fights|fought|fighting) at\b", r"\g<0> (took part in)"),
            # a book that "draws on" another cites it
            (r"\b(?:draw|draws|drew|drawn|drawing) (?:up)?on\b", "cite"),
            # whoever "put their name to" a treaty signed it; what "brought X to a close" ended it
            (
                r"\b(?:put|puts|putting) (?:their|his|her|its|our|the) (?:names?|signatures?) (?:to|on)\b",
                "signed",
            ),
            (
                r"\b(?:bring|brings|brought|bringing) ((?:the |a |an )?(?:X|\w+(?: \w+)?)) "
                r"to (?:a close|an end|a halt)\b",
                r"ended \1",
            ),
            (r"\b(?:make|makes|made|making) up\b", "form"),
            # whoever "made the shortlist" or "made the final" reached it: no maker
            (
                r"\b(?:make|makes|made|making) (?:it )?(?:onto |on to |into |to )?(?=the (?:X )?"
                r"(?:short-?lists?|finals?|cut)\b)",
                "reached ",
            ),
            (r"\b(?:come|comes|came|coming) out of\b", "made at"),
            (r"\b(?:learn|learns|learned|learnt|learning) to \w+\b", r"\g<0> (trained)"),
            # whoever "spoke at" a lecture or an oration gave it
            (r"\b(?:speak|speaks|spoke|spoken|speaking) at\b", r"\g<0> (gave)"),
            # whoever "learned (their craft) under" someone was trained by them
            (
                r"\b(?:learn|learns|learned|learnt|learning)"
                r"(?: (?:his|her|their|the) (?:craft|trade|art|skills?))? under\b",
                "trained by",
            ),
            (r"\bin charge of\b", "heads"),
            # whoever "runs" or "heads the kitchen" of a restaurant is its head chef
            (
                r"\b(?:run|runs|ran|running|head|heads|headed|heading|lead|leads|led|leading) "
                r"(?:the |its |their )?kitchens?\b",
                "is head chef (runs the kitchen)",
            ),
            (r"\b(?:look|looks|looked|looking) into\b", "investigated"),
            # an agency's or a club's people are "on its books"
            (r"\bon (?:the )?books of\b", "represented by"),
            (r"\bon X(?:'s|')? books\b", "represented by X"),
            (r"\b(?:wrote|writes?|written|writing) about\b", "reviewed"),
            (r"\bpassed away\b", "died"),
            # whoever "first saw the light of day" somewhere was born there
            (r"\b(?:first )?(?:see|sees|saw|seen|seeing) the light of day\b", "born"),
            # whoever "took home" or "carried off" a prize, or "came first" in a contest, won it; whoever
            # "came second" was the runner-up
            (
                r"\b(?:take|takes|took|taken|taking|carry|carries|carried|carrying) (?:home|off)"
                r"(?= (?:the|a|an|X)\b)",
                "won",
            ),
            (
                rf"\b{_PLACED} (?:first|top)\b",
                "won (winner)",
            ),
            (
                rf"\b{_PLACED} second\b",
                "was runner-up",
            ),
            # "three teachers back", "two replacements later": the step the noun names, taken that many times
            # (or "two levels above" X: "levels of the levels of" X)
            *(
                (
                    rf"\b{count} ([^\W\d_]+) "
                    r"(?:(back|later|earlier|on|along|further|removed)|up|down|above|below)\b"
                    r"(?=( from| of)?)",
                    _repeated(times),
                )
                for count, times in (("two", 2), ("three", 3), ("four", 4))
            ),
            # whoever "lies at rest" or was "laid to rest" somewhere is buried there
            (r"\b(?:lie|lies|lay|lain|lying|rest|rests|rested|resting) at rest\b", "buried"),
            (r"\b(?:lay|lays|laid|laying) (?:\w+ )?to rest\b", "buried"),
            # treasures "locked away" somewhere are kept there
            (r"\b(?:lock|locks|locked|locking) (?:away|up)\b", "kept"),
            # whoever was "promised in marriage" to someone was betrothed to them
            (r"\b(?:promised|pledged) (?:in marriage )?to\b", "betrothed to"),
            (r"\b(?:promised|pledged) in marriage\b", "betrothed"),
            # whoever "served as" a named office held it
            (r"\b(?:serve|serves|served|serving) as (?=X\b)", "held "),
            # whoever was "at the helm of" a work or a firm helmed it (directed or headed it)
            (r"\b(?:was |were |is |are )?at the helm of\b", "helmed (directed)"),
            # whoever "wrote the music" of a game or a film composed its score
            (
                r"\b(?:write|writes|wrote|written|writing) (?:the |its |their )?(?:music|score|soundtrack)\b",
                "composed the score",
            ),
            # a game's "follow-up" is its sequel
            (r"\bfollow-?ups?\b", "sequel"),
            # "where was X played?": a match or a tournament is held at its venue
            (r"^(\s*where (?:was|were|is|are|will)\b.*?)\bplayed\b", r"\1staged (venue)"),
            # whoever "fills" a post holds it
            (r"\b(?:fill|fills|filled|filling)\b(?! (?:with|in|up)\b)", "held"),
            (r"\b(?:go|goes|went|gone|going) up (on|aboard|from)\b", r"launched \1"),
            (r"\b(?:go|goes|went|gone|going) up (?=in (?:the year )?\d)", "launched "),
            (r"\bhome base\b", "base"),
            (r"\bhead offices?\b", "headquarters"),
            (
                # (written after "parent", so that the two words are one mention of the owning step)
                r"\bparent (?=(?:compan(?:y|ies)|firms?|groups?|airlines?|carriers?|corporations?)\b)",
                "parent (owner) ",
            ),
            (r"\b(fl(?:y|ies|ew|own|ying)) ((?:both|also|only|directly) )?(?:in)?to\b", r"\1 \2arriving at"),
            # to go to a university is to study there
            (r"\b(?:go|goes|went|gone|going) to (university|college|school|uni)\b", r"studied at \1"),
            # to bring out or put out a book is to publish it
            (r"\b(?:brought|brings?|bringing) (?:it |them )?out\b", "published"),
            (r"\b(?:put|puts|putting) (?:it |them )?out\b", "published"),
            # a writer who "writes as X" has the pen name X
            # (not "written under the X": words under a coat of arms, not a pen name)
            (
                r"\b(writ(?:es?|ing|ten)|wrote) (?:as|under)\b"
                r"(?! (?:the|a|an|this|that|its) (?!(?:pen )?names?\b))",
                r"\1 under the pen name",
            ),
            # another name a writer publishes under is a pen name, as a graph may call it (``pen_name_of``)
            (r"\b(pseudonyms?|noms? de plume)\b", r"\1 (pen name)"),
            # a bill is "brought before" a parliament by whoever introduces it
            (
                r"\b(?:brought|brings?|bringing) ((?:the )?X )?before (?:the )?"
                r"(?:parliament|house|assembly|congress|senate|legislature)\b",
                r"introduced \1",
            ),
            # an act that "makes changes to" another amends it; one that "sweeps it away" repeals it
            (r"\b(?:make|makes|made|making) (?:changes|amendments) to\b", "amends"),
            (r"\b(?:swept|sweeps?|sweeping)( X)? away\b", r"repealed\1"),
            # a college "folded into" another merged into it; one that "broke away from" another split from it
            (r"\b(?:fold|folds|folded|folding) ((?:directly |straight )?)into\b", r"merged \1into"),
            (r"\b(?:break|breaks|broke|broken|breaking) (?:away|off)\b", "split"),
            # people "on the team of" a survey or "on its crew" are its members
            (r"\bon the (?:team|crew) of\b", "members of"),
            # companies that "went in together on" a venture are its partners
            (r"\b(?:go|goes|went|gone|going) in together\b", "partnered"),
            # whoever "took" a named prize won it (a photograph "taken" keeps its word)
            (r"\b(take|takes|took|taken|taking) the (?=X\b(?!['’]))", r"\1 (won) the "),
            # whoever "worked as" a sommelier was one (the job, not an employer)
            (r"\bworked as\b", "was"),
            (r"\bworks as\b", "is"),
            # whoever "took part in" a contest participated in it
            # (not another idiom's reading: "fought at (took part in)" a battle)
            (r"(?<!\()\b(?:take|takes|took|taken|taking) part in\b", r"\g<0> (competed)"),
            # whoever "was given" or "got given" a named thing received it ("Who has been given the X
            # prize?"; not "given to X", nor "given the name X")
            (
                r"\b(?:was|were|been|is|are|being|get|gets|got|gotten) given (?:the )?(?=X\b(?!['’]))",
                "received the ",
            ),
            # a prize "picked up" was won (not a story "picked up where" another left off)
            (r"\b(?:pick|picks|picked|picking) up\b(?! where\b)", "won"),
            # a body that "changed its name" was renamed
            (r"\b(?:change|changes|changed|changing) (?:its|their|his|her) names?\b", "was renamed"),
            # a firm "sold to" another was bought by it (passive only: a company "sells" its products to
            # its customers)
            (
                r"\b(was|were|been|being|is|are|gets?|got) ((?:later |then |eventually |finally )?)"
                r"sold (?:off |on )?to\b",
                r"\1 \2acquired by",
            ),
            # whoever "put money into" a show or a firm funded it (sponsored or invested in it)
            (r"\b(?:put|puts|putting) (?:money|cash|funds) (?:into|in|behind)\b", "sponsored (funded)"),
            # firms that "came together to form" another merged into it
            (r"\b(?:come|comes|came|coming) together (?:to form|as|in|into)\b", "merged into"),
            # whoever "contributes a regular piece" or "a column" to a magazine writes for it
            (
                r"\b(?:contribut(?:e|es|ed|ing)|writ(?:es?|ing|ten)|wrote) (?:an? )?"
                r"(?:regular |weekly |monthly )?(?:pieces?|columns?|articles?) (?:to|for|in)\b",
                "has a column in",
            ),
            # whoever is "in the editor's chair" at a magazine edits it
            (
                r"\b(?:sits?|sat|sitting|is|was|are|were) in the editor(?:'s|s'|s)? chair (?:at|of|for)\b",
                "edits",
            ),
            (r"\bin the editor(?:'s|s'|s)? chair (?:at|of|for)\b", "editing"),
            # a thing that "grew out of" another is its offshoot
            (r"\b(?:grow|grows|grew|grown|growing) out of\b", "an offshoot of"),
            # a company "carved out of" another was split from it
            (r"\b(?:carve|carves|carved|carving) out of\b", "split from"),
            # a thing that "takes its name from" someone, or "carries" or "bears" their name, is named
            # after them
            (r"\b(?:takes?|took|taken|taking) (?:its|his|her|their|the) names? from\b", "named after"),
            (r"\b(?:carr(?:y|ies|ied|ying)|bears?|bore|borne) (?:the )?names? of\b", "named after"),
            (r"\b(?:carr(?:y|ies|ied|ying)|bears?|bore|borne) whose names?\b", "named after whom"),
            (r"\b(?:carr(?:y|ies|ied|ying)|bears?|bore|borne) X(?:'s|')? names?\b", "named after X"),
            # a thing "called after" someone is named after them
            (r"\bcalled after\b", "named after"),
            # "found" is the past of "find" ("Who found the lode?", "the deposits X has found", "found by"),
            # unless an auxiliary of the plain verb comes first, when it is "found" a company ("Which company
            # did X found?", "Who helped found X?")
            (
                r"^((?:(?!\b(?:did|does|do|will|would|could|can|help|helps|helped)\b).)*?)"
                r"(?<!\bto )\bfound\b",
                r"\1discovered",
            ),
            # a midwife who "brought" or "helped" someone "into the world" delivered them
            (r"\b(?:brought|brings?|bringing|helped|helps?|helping) X into the world\b", "delivered X"),
            (r"\b(?:brought|brings?|bringing|helped|helps?|helping) (\w+) into the world\b", r"delivered \1"),
            # a thesis "handed in" somewhere was submitted there
            (r"\b(?:hand|hands|handed|handing) (?:it |them )?in\b", "submitted"),
            # a prize is "given out" or "handed out" by whoever awards it
            (r"\b(?:give|gives|gave|given|giving|hand|hands|handed|handing) (?:it |them )?out\b", "awards"),
            # "award" with an object after it, said by whoever gives it, is "confer" ("Which body awards the
            # X?"); a noun ("Which awards the band won"), or passive ("was awarded the X", or any question
            # opening with an auxiliary: "Was X awarded the Y?"), it stays
            *(
                (
                    r"^(?!\s*(?:was|were|is|are|has|have|had)\b)(.*?)"
                    + _AWARD_BEFORE
                    + rf"\b{verb}\b(?=\s+(?:the|a|an|this|that|its|X)\b)",
                    rf"\g<1>{plain}",
                )
                for verb, plain in (("awards", "confers"), ("awarded", "conferred"), ("award", "confer"))
            ),
        ),
    )
)


def plain_idioms(text: str, masked_only: bool = False) -> str:
    """``text`` with the idioms of ``_IDIOMS`` replaced by the verbs they mean; with ``masked_only``, only
    those said around a masked name ``X`` ("on X's books").

    >>> plain_idioms("Who took over Sorrel Air?")
    'Who acquired Sorrel Air?'
    >>> plain_idioms("Where did she learn to fly?")
    'Where did she learn to fly (trained)?'
    >>> plain_idioms("Which models are on X's books?", masked_only=True)
    'Which models are represented by X?'
    """
    for pattern, plain in _IDIOMS:
        if not masked_only or "X" in pattern.pattern:
            text = pattern.sub(plain, text)
    return text


def is_irregular_past(word: str) -> bool:
    """Whether ``word`` is an irregular past form of a verb ("took", "sold")."""
    return word in _IRREGULAR and _IRREGULAR[word] != word


# British spellings read as the American a relation's name may use ("licence" ~ ``licensed_by``,
# "harbour" ~ ``home_harbor``, "centre" ~ ``center``): whole-word stems, ends kept
_BRITISH = re.compile(
    r"^(?:(lic|def|off|pret)enc(?=e)"
    r"|(cent|theat|met|lit|fib|calib|spect|lust)re(?=s?$|d$)"
    r"|(harb|lab|hon|col|fav|neighb|behavi|vap|rum|arm|endeav|flav|savi|odo|hum|vig|parl|splend)our(?=\w*$))"
)


def american(word: str) -> str:
    """``word`` (lower case) in American spelling where it is one of a few common British ones.

    >>> american("licence"), american("centres"), american("centred"), american("harbours"), american("tour")
    ('license', 'centers', 'centered', 'harbors', 'tour')
    """
    match = _BRITISH.match(word)
    if match is None:
        return word
    if match.group(1):
        return match.group(1) + "ens" + word[match.end() :]
    if match.group(2):  # ("centred": "centered")
        return match.group(2) + ("ere" if word.endswith("d") else "er") + word[match.end() :]
    return match.group(3) + "or" + word[match.end() :]


_VOWEL_RUNS = re.compile(r"[aeiouy]+")


# Nouns whose final -e is all that tells them from a common word ("site" is no "sit", "wine" no "win"):
# their forms keep it
_KEEP_E = {form: noun for noun in ("site", "wine", "plane", "note") for form in (noun, noun + "s")}


@functools.lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A crude stem of one lower-case word, the same for its common forms: accents go ("protégé" ->
    "protege"), an irregular past form is its verb ("took", "taken" -> "take"), one suffix of -ing, -ed,
    -es, -s goes ("cities" -> "citi", "based" -> "bas"; not the -s of "class", "status", "analysis"), a
    doubled final consonant but l, s, z is undoubled ("conferred" -> "confer"; a final "ll" after two
    vowel groups too: "controlled" -> "control", not "called"), then final -e's
    ("language", "languages" -> "languag") and a final -y ("city" -> "citi", "played" -> "plai").

    Every word matcher of path scoring compares these stems, so a question's "cities" names the ``City``
    label and its "languages" the ``Language`` label.

    >>> [stem(w) for w in ("cities", "city", "languages", "language", "studied", "study", "class")]
    ['citi', 'citi', 'languag', 'languag', 'studi', 'studi', 'class']
    >>> {stem(w) for w in ("employ", "employed", "employs", "employee", "employees")}
    {'emploi'}
    >>> stem("protégés") == stem("protege"), stem("conferred") == stem("confer")
    (True, True)
    >>> stem("took") == stem("taken") == stem("take"), stem("sold") == stem("sells")
    (True, True)
    >>> stem("controlled") == stem("control"), stem("called")
    (True, 'call')
    >>> stem("sits") == stem("site"), stem("wines") == stem("win")
    (False, False)
    """
    w = american(strip_accents(word))
    w = IRREGULAR_PLURALS.get(w, w)
    w = _NOMINAL.sub(_verb_of, w)  # "description" -> "describe", "production" -> "produce"
    if w in _KEEP_E:
        return _KEEP_E[w]
    w = _IRREGULAR.get(w, w)
    for suffix in ("ing", "ed", "es", "s"):
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            if suffix != "s" or not w.endswith(("ss", "us", "is")):
                w = w[: -len(suffix)]
            break
    if len(w) >= 4 and w[-1] == w[-2] and w[-1] not in "aeiouylsz":  # "conferred" -> "confer"
        w = w[:-1]
    elif w.endswith("ll") and len(_VOWEL_RUNS.findall(w[:-2])) >= 2:
        w = w[:-1]  # "controlled", "travelled", "enroll" -> "control", "travel", "enrol"; not "called"
    while len(w) >= 4 and w.endswith("e"):  # "employee", "employees" -> "employ"
        w = w[:-1]
    if len(w) >= 4 and w.endswith("y"):  # then "emploi", as "employ", "employed"
        return w[:-1] + "i"
    return w


def stems(words: str) -> frozenset[str]:
    """The stems of the space-separated ``words`` (tables of words are written as words, compared as
    stems)."""
    return frozenset(stem(w) for w in words.split())


# Verbs and nouns people use for the relations knowledge graphs most often store (compared as ``stem``s):
# a question says "works at" where the graph says ``employed_by``, "wrote" where it says ``author``.
# Symmetric: each group is a set of interchangeable words.
_PARAPHRASE_TEXTS: tuple[str, ...] = (
    "work employ employer employee job staff payroll",
    "found founder establish start create",
    "born birth birthplace native hometown originate origin",
    "live reside resident residence home",
    "write wrote written author pen penned",
    "direct director helm head",
    "married marry spouse wife husband",
    "sibling sister brother",
    "study student attend alumni alumnus alma graduate train cadet",
    "play player member",
    "sponsor fund back patron",
    "lead led leader head",
    "award win won winner receive",
    "win won winner beat victor",
    "lose lost loser runner",
    "preside president chief chair chairman chairwoman speaker head",
    "represent mp deputy seat",
    "stop serve call",
    "operate run organise organize",
    "rescue free freed liberate save",
    "head run manage chief ceo executive boss look",
    "give gave given hand confer bestow donate donor donation present presenter",
    "maintain maintainer look maintenance overhaul repair",
    "produce producer make made process processor build builder manufacture manufacturer",
    "publish publisher release",
    "distribute distributor distribution release",
    "locate situate base",
    "host hold held stage venue",
    "buy bought purchase purchaser buyer acquire knock absorb takeover",
    "sell seller consign consignor vendor",
    "restore restorer conserve conservator conservation",
    "own owner proprietor possess collection belong hold control subsidiary stake shareholder",
    "show shown showed display exhibit",
    "train apprentice trainee",
    "photograph photographer take shoot",
    # (a head office is a compound whose initials a relation ``ho`` may be, as "hq" of "headquarter")
    "base headquarter headoffice",
    "coach train manage",
    "teach taught teacher tutor instruct instructor lecture lecturer faculty professor mentor",
    "inspect inspector audit auditor",
    "member membership enrol join belong",
    "grow grower sow cultivate",
    "replace supersede succeed successor repeal",
    "captain command commander skipper",
    "arrive land",
    "launch lift liftoff",
    "unveil debut premiere reveal",
    "power engine propel propulsion motor",
    "lend loan borrow",
    "sign label",
    "supervise supervisor advise adviser advisor doctoral doctorate phd mentor student",
    "amend amendment change modify alter revise",
    "repeal abolish revoke rescind scrap annul",
    "enact enactment pass legislate",
    "defendant defend defence defense accused respondent",
    "counsel represent advocate",
    "complete completion finish",
    "spin spun split breakaway",
    "crown coronation anoint",
    "name honour commemorate eponym",
    "rename rebrand",
    "cite citation refer reference",
    "score compose composer music soundtrack",
    "fork branch derive",
    "cast caster commentate commentator commentary",
    "nominate nominee nomination shortlist finalist",
    "former ex previous previously earlier formerly",
    "overseen oversee oversight overseer supervise supervision",
    "judge jury juror panel",
    "compete competitor contest contestant enter entrant participate participant",
    "signature speciality specialty",
)
_PARAPHRASE_GROUPS: tuple[frozenset[str], ...] = tuple(stems(group) for group in _PARAPHRASE_TEXTS)


@functools.lru_cache(maxsize=65536)
def group_heads(stem: str) -> tuple[str, ...]:
    """The head words (each group's first, as written) of the paraphrase groups ``stem`` is in: the
    common word a data team cuts a relation's name from ("employees" -> "work", whose cut is ``wrk``;
    "runs" -> "operate": ``opd``). Not the other words of a group: "own" reaches "stake" by meaning, but
    ``stk`` is no cut of "own"."""
    return tuple(
        dict.fromkeys(
            text.split()[0]
            for text, group in zip(_PARAPHRASE_TEXTS, _PARAPHRASE_GROUPS, strict=True)
            if stem in group
        )
    )


# Names of one kind of thing ("film" and "movie"): a question's word names a label called by another name
# of its group, as a whole ("Which *teams* train at X?" ~ ``Club``; "What *ground* ..." ~ ``Stadium`` as
# well as ``TrainingGround``, by its own word; "rocket" ~ ``LaunchVehicle``, but "vehicle" alone is no
# rocket). Compared as lower-case words, singular.
LABEL_SYNONYMS: tuple[frozenset[str], ...] = tuple(
    frozenset(group)
    for group in (
        ("team", "club", "side", "squad"),
        ("film", "movie", "picture"),
        ("firm", "company", "business"),
        ("ground", "stadium", "arena", "venue"),
        ("town", "city"),
        ("song", "track"),
        ("record", "album"),
        ("route", "flight"),
        ("airline", "carrier"),
        ("rocket", "launcher", "launch vehicle"),
        ("drug", "medicine", "medication"),
        ("programme", "program", "production"),
        ("store", "shop", "boutique"),
        ("brand", "marque"),
        ("book", "title", "novel"),
        ("statute", "act", "law", "legislation"),
        ("incident", "accident", "disaster"),
        ("prize", "award"),
        ("strike", "stoppage", "walkout"),
        ("formation", "rock", "stratum"),
        ("specialty", "speciality", "field", "discipline"),
        ("vessel", "boat", "ship"),
        ("locomotive", "engine", "loco"),
        ("chef", "cook"),
        ("office", "post", "position"),
        ("diocese", "see", "bishopric"),
    )
)


def label_synonyms(label_words: str) -> frozenset[str]:
    """The other names of a label's kind (``LABEL_SYNONYMS``; ``label_words``: its singular words, as
    "launch vehicle"), itself excluded; empty for most labels."""
    found = frozenset().union(*(group for group in LABEL_SYNONYMS if label_words in group))
    return found - {label_words}


# One way only: a question's word that also names relations of another group, never named by that group's
# words in turn: "the final *played* at X" is hosted there, but "hosted" never names ``plays_for``.
_ONE_WAY: dict[str, frozenset[str]] = {
    stem("play"): stems("host hold stage venue"),
    # "X's partner" may be X's spouse, but "married" never names a business partner (``partner_in``)
    stem("partner"): stems("married marry spouse wife husband"),
    # a prize X won "went to" X; "went" names no win
    **dict.fromkeys(stems("win won"), stems("went")),
    # a company "part of" a group is its subsidiary; "subsidiary" names no part of a whole
    stem("part"): stems("subsidiary"),
    # whoever "confers" a prize (or hands it out: ``plain_idioms``) awards it (``awd_by``), and whoever
    # gives out a licence grants or issues it; "award" names no conferring, as it names winning too
    stem("confer"): stems("award grant issue"),
    # whoever heads a school may be its dean; "dean" names no other head
    stem("head"): stems("dean"),
    # whoever has a column in a magazine writes for it; "wrote" names no column (``columnist_at``)
    **dict.fromkeys(stems("column columnist"), stems("write wrote written")),
    # an animal's "breeder" bred it (the past "bred" is too short to read "breeder" as its doer)
    **dict.fromkeys(stems("breeder breeders"), stems("bred breed")),
    # a breed or a language that "descends" from another was developed or derived from it; "develop"
    # names no descent
    **dict.fromkeys(
        stems("descend descends descended descendant"), stems("develop developed derive derived")
    ),
}


@functools.lru_cache(maxsize=65536)
def names_of(word: str) -> frozenset[str]:
    """The relation stems a question's (stemmed) word names: its paraphrases and its one-way words."""
    return paraphrases(word) | names_one_way(word)


def names_one_way(word: str) -> frozenset[str]:
    """The relation stems a question's (stemmed) word names one way only (``_ONE_WAY``): "confer" names
    "award", as a data team's cut of it does (``awd_by``)."""
    return _ONE_WAY.get(word, frozenset())


@functools.lru_cache(maxsize=65536)
def said_by(word: str) -> frozenset[str]:
    """The question stems that name a relation's (stemmed) word: its paraphrases, and the words naming it
    one way ("played" for "hosted")."""
    return paraphrases(word) | frozenset(q for q, targets in _ONE_WAY.items() if word in targets)


def paraphrase_groups() -> tuple[frozenset[str], ...]:
    """The groups of interchangeable relation words (as stems)."""
    return _PARAPHRASE_GROUPS


@functools.lru_cache(maxsize=65536)
def paraphrases(stem: str) -> frozenset[str]:
    """The stems that name the same relation as ``stem`` ("work" -> employ, job, ...), itself included."""
    out = {stem}
    for group in _PARAPHRASE_GROUPS:
        if stem in group:
            out |= group
    return frozenset(out)


@functools.lru_cache(maxsize=4096)
def words_cut_to(cut: str) -> frozenset[str]:
    """The stems of the common relation words (the paraphrase groups' words) that ``cut`` spells out
    whole, their first letter and every consonant after it, or their past participle's ("mntr": mentor,
    "ldr": leader, "fnd": found and fund, "nmd": named): a data team's cut of three letters or more most
    likely stands for one of them.

    >>> sorted(words_cut_to("mntr")), sorted(words_cut_to("nmd")), words_cut_to("brnd")
    (['mentor'], ['nam'], frozenset())
    """
    if len(cut) < 3:
        return frozenset()
    # (a word or a regular verb's past participle: "nmd" is "named"; "born" and "run" have none, so
    # "brnd" is no "borned")
    return frozenset(
        stem(w)
        for text in _PARAPHRASE_TEXTS
        for w in text.split()
        for form in (w, *(() if _no_participle(w) else (w + ("d" if w.endswith("e") else "ed"),)))
        if spells_whole(cut, form)
    )


def _no_participle(word: str) -> bool:
    """Whether ``word`` has no regular past participle: an irregular past form, a verb that has them, or
    a participle already ("born", "shown")."""
    return is_irregular_past(word) or word in _PASTS or word.endswith(("rn", "wn"))


def spells_another(cut: str, word_stem: str) -> bool:
    """Whether ``cut`` spells out a common relation word whole (``words_cut_to``) that the (stemmed)
    question word does not name, by meaning or as a role noun of its verb: "mntr" is "mentor", so no
    cut of "manufacturer", which "made" names, nor of a made-up "mountainer"; but "learned (mntr)"."""
    spelled = words_cut_to(cut)
    if not spelled:
        return False
    # (a verb names the role nouns of its relations too: "learned under" a mentor)
    named = paraphrases(word_stem) | names_one_way(word_stem) | {stem(r) for r in verb_role_nouns(word_stem)}
    return not spelled & named


# Relations whose object and subject people call by a role noun the relation's words do not contain:
# ``studied_under`` forwards reaches X's teacher, backwards X's pupils. (forwards nouns, backwards nouns)
ROLE_NOUNS = {
    "studied under": ("teacher tutor", "pupil student protege learner"),
    # (no "trainee": its stem is the verb's, "trained", which names training of every kind)
    "trained under": ("teacher trainer", "pupil student learner"),
    "trained by": ("teacher trainer mentor master", "pupil student learner apprentice protege"),
    "apprenticed to": ("master teacher trainer", "apprentice pupil student learner"),
    "learned under": ("teacher tutor master mentor trainer", "pupil student apprentice learner protege"),
    "taught": ("pupil student", "teacher tutor"),
    "mentored by": ("mentor", "protege mentee"),
    # a doctor's patients are those the doctor treated or operated on; a midwife delivers babies
    "treated": ("patient", "doctor physician clinician vet veterinarian"),
    "treats": ("patient", "doctor physician clinician vet veterinarian"),
    "treated by": ("doctor physician clinician vet veterinarian", "patient"),
    "operated on": ("patient", "surgeon"),
    "delivered": ("baby", "midwife obstetrician"),
    "represented by": ("agent representative", "client"),
    "teaches": ("pupil student", "teacher tutor"),
    "owned by": ("owner", "subsidiary"),
    # "the recipients of X" won X: the subject of ``won``, not the body that awards it (``awd_by``)
    "won": ("prize award", "winner recipient laureate"),
    # a relation named by a kin noun alone holds the head's kin at its tail ("X parent Y": Y is X's
    # parent), as a property is named ("X capital Y"); read backwards, the converse kin
    "parent": ("parent mother father", "child children son daughter kid"),
    "child": ("child children son daughter kid", "parent mother father"),
    "mother": ("mother parent", "child children son daughter kid"),
    "father": ("father parent", "child children son daughter kid"),
    # an expedition (a game, a mission) that "followed up" another is its sequel, the other its original
    "followed up": ("original predecessor", "sequel successor"),
    # an animal's parents, as breeders name them: "X sire Y" holds X's father at its tail, "X dam Y" its
    # mother; read backwards, its offspring
    "sire": ("father sire parent", "child children son daughter offspring progeny pup puppy foal"),
    "dam": ("mother dam parent", "child children son daughter offspring progeny pup puppy foal"),
}


@functools.lru_cache(maxsize=65536)
def verb_role_nouns(stem_: str) -> tuple[str, ...]:
    """The role nouns of the relations ``ROLE_NOUNS`` keys by the verb whose stem is ``stem_``
    ("represent" -> agent, representative, client): words a data team may cut a relation's name from
    (``agt``) where the question says the verb."""
    return tuple(
        noun
        for key, nouns in ROLE_NOUNS.items()
        if stem(key.split()[0]) == stem_
        for noun in " ".join(nouns).split()
    )


_ROLE_PREPOSITIONS = frozenset(("to", "under"))
"""The prepositions after a verb of learning from someone ("apprenticed to", "trained under")."""


@functools.lru_cache(maxsize=4096)
def role_nouns(relation: str) -> tuple[str, str] | None:
    """The role nouns of ``relation`` (``ROLE_NOUNS``: the nouns for its object, and for its subject), or
    None. A relation ending with a key's words has its nouns ("wholly owned by" those of "owned by"), and
    so does one saying a key's verb with another preposition of ``_ROLE_PREPOSITIONS`` ("apprenticed
    under" those of "apprenticed to") or a cut of it ("appr to"), and a cut of a key of one word ("prnt"
    those of "parent", "sr" those of "sire").

    >>> role_nouns("sr") == ROLE_NOUNS["sire"], role_nouns("dm") == ROLE_NOUNS["dam"], role_nouns("st")
    (True, True, None)
    >>> role_nouns("appr") == ROLE_NOUNS["apprenticed to"]
    True
    """
    words = humanize(relation)
    if words in ROLE_NOUNS:
        return ROLE_NOUNS[words]
    if " " not in words and len(words) >= 2:
        # a data team's cut of a key of one word ("prnt": parent, "tght": taught); of three letters, its
        # first three ("par": parent; "prt" may be "printed", "tgt" "target"); of two, its first letter and
        # every consonant after it ("sr": sire, "dm": dam)
        cut = next(
            (
                k
                for k in ROLE_NOUNS
                if " " not in k
                and (
                    (len(words) >= 3 and shortens(words, k) and (len(words) >= 4 or k.startswith(words)))
                    or (len(words) == 2 and spells_whole(words, k))
                )
            ),
            None,
        )
        if cut is not None:
            return ROLE_NOUNS[cut]
        # or of the verb of a key said with "to" ("appr": apprenticed to; of four letters or more, as "trn"
        # may be "transferred"; not "under": ``stud`` is where one studied, no "studied under")
        verb_cut = next(
            (
                k
                for k in ROLE_NOUNS
                if len(words) >= 4
                and len(parts := k.split()) == 2
                and parts[1] == "to"
                and shortens(words, parts[0])
            ),
            None,
        )
        if verb_cut is not None:
            return ROLE_NOUNS[verb_cut]
    ending = next((nouns for key, nouns in ROLE_NOUNS.items() if words.endswith(" " + key)), None)
    verb, _, preposition = words.rpartition(" ")
    if ending is not None or not verb or preposition not in _ROLE_PREPOSITIONS | {"by", "on"}:
        return ending
    # (other prepositions only as themselves: "studied by" is no "studied under")
    others = _ROLE_PREPOSITIONS if preposition in _ROLE_PREPOSITIONS else frozenset((preposition,))
    said = {f"{verb} {other}" for other in others}
    found = next((nouns for key, nouns in ROLE_NOUNS.items() if key in said), None)
    if found is not None or " " in verb or len(verb) < 3:
        return found
    # a data team's cut of such a verb ("appr to": apprenticed to)
    return next(
        (
            nouns
            for key, nouns in ROLE_NOUNS.items()
            if (parts := key.split())[-1] in others and len(parts) == 2 and shortens(verb, parts[0])
        ),
        None,
    )


VOWELS = frozenset("aeiou")


def _consonants(word: str) -> str:
    return "".join(c for c in word if c not in VOWELS)


def spells_whole(cut: str, word: str) -> bool:
    """Whether ``cut`` is ``word``'s first letter and every consonant after it: "mntr" of "mentor", "sr" of
    "sire", "yr" of "year" (a data team's cut that leaves no doubt which word it stands for).

    >>> spells_whole("mntr", "mentor"), spells_whole("mntr", "manufacturer"), spells_whole("yr", "year")
    (True, False, True)
    """
    return bool(cut) and word[:1] == cut[0] and _consonants(word[1:]) == cut[1:]


@functools.lru_cache(maxsize=65536)
def shortens(short: str, word: str, loose: bool = True, near: bool = True, doers: bool = True) -> bool:
    """Whether ``short`` may stand for ``word``: its first three letters or more ("aud": "audits"), two
    letters more at least, or its first letter and consonants in order ending with its last ("cstdn":
    "custodian", "yr": "year", "rtg": "rating", "wrk": "work", "cty": "city"; of three letters or more, or
    every consonant of its stem but the last, "dsg": "design"), one letter more at least
    (two for a cut of two letters: "hd" is no "had"), so that a word never shortens itself; a cut of a
    past participle stands for its verb too ("opd": "operate"), and so does a cut of its doer's noun
    ("lndr": "lend", by "lender"), and a cut of a verb for its doer's noun ("tch": "teachers").

    >>> shortens("aud", "audited"), shortens("lndr", "lender"), shortens("rtg", "rating")
    (True, True, True)
    >>> shortens("wrk", "work"), shortens("brnd", "brand"), shortens("cty", "city")
    (True, True, True)
    >>> shortens("opd", "operate"), shortens("lstd", "list"), shortens("lndr", "lend")
    (True, True, True)
    >>> shortens("tch", "teachers"), shortens("dsg", "designed"), shortens("blt", "build")
    (True, True, True)
    >>> shortens("rtg", "target"), shortens("aud", "audi"), shortens("wrk", "wrk"), shortens("hd", "had")
    (False, False, False, False)

    It cannot tell the word meant from others that begin alike: ``shortens("aud", "audio")`` holds too.
    ``loose=False``: two letters more at least (one for a cut that keeps a vowel past its first letter) and
    no participle, for a stem, which may have lost a letter of its word ("stak" of "stake" is no word "stk"
    cuts by one letter; "receiv" is one "recvd" cuts). ``near=False`` leaves out the cut of a word's
    first letters and a consonant of the next three ("supv": "supervised"), which stands for the
    question's own word only, not for the head word of a paraphrase group it is in. ``doers=False``
    leaves out the cut of a verb for its doer's noun.
    """
    word = american(word)
    if not loose:
        # (one letter more for a cut that keeps a vowel, whose letters say more: "recvd" of "receiv")
        more = 1 if any(c in VOWELS for c in short[1:]) else 2
        return len(word) >= len(short) + more and _cuts(short, word, near=False)
    return (
        _cuts(short, word, near)
        or _participle_cut(short, word)
        or any(_cuts(short, past, near) for past in _PASTS.get(word, ()))
        or _doer_cut(short, word)
        or (doers and _doers_verb_cut(short, word))
    )


def cuts_letters(short: str, word: str) -> bool:
    """Whether ``short`` is a cut of ``word``'s own letters (``shortens`` without the cuts of a doer's
    noun made up from it, or of the verb in it): "hld" of "hauls", by "hauled"; not "mntr" of
    "mountain", by a "mountainer".

    >>> cuts_letters("hld", "hauls"), cuts_letters("mntr", "mountain"), shortens("mntr", "mountain")
    (True, False, True)
    """
    word = american(word)
    return (
        _cuts(short, word)
        or _participle_cut(short, word)
        or any(_cuts(short, past) for past in _PASTS.get(word, ()))
    )


# A verb's irregular past forms: a cut of one stands for the verb ("blt", of "built", for "build")
_PASTS: dict[str, tuple[str, ...]] = {}
for _past, _verb in _IRREGULAR.items():
    _PASTS[_verb] = (*_PASTS.get(_verb, ()), _past)


KIN_NOUNS = frozenset("parent child sibling spouse mother father son daughter brother sister".split())
"""The nouns of kin (a relation whose role nouns hold one reaches someone's kin)."""
"""Kin nouns, no verbs whose past participle a cut may stand for."""


def _participle_cut(short: str, word: str) -> bool:
    """A cut of a past participle stands for its verb: the verb's first letters or consonants, then "d"
    ("opd": "operate", "lstd": "list"; not "rtd" for "represent")."""
    core = short[:-1]
    return (
        len(short) >= 3
        and short[-1] == "d"
        and word.isalpha()
        and len(word) >= 4  # not "run" ("rnd": round)
        and not word.endswith(("d", "ing", "er", "or", "ion"))  # a verb's, not "buyer" ("brd")
        and word not in KIN_NOUNS  # nor "parent" ("prd": a period, not "parented")
        and not word.startswith(short)
        and (word.startswith(core) or _consonants(word).startswith(core))
        and _cuts(short, word + ("d" if word.endswith("e") else "ed"))
    )


def _doer_cut(short: str, word: str) -> bool:
    """A cut of a verb's doer noun stands for the verb: "lndr" ("lender") for "lend", "fndr" for "found";
    not for a word that is a noun of its own kind already ("buyer", "operation")."""
    return (
        len(short) >= 4  # (three letters say too little: "clr", clear, is no "closer")
        and short[-1] == "r"
        and word.isalpha()
        and len(word) >= 4
        and not word.endswith(("er", "or", "ion", "ing", "ed"))
        and not is_irregular_past(word)  # a past form has no doer noun of its own ("taught" is no "thtr")
        and not word.startswith(short)
        and _cuts(short, word + ("r" if word.endswith("e") else "er"))
    )


def _doers_verb_cut(short: str, word: str) -> bool:
    """A cut of a verb stands for its doer's noun too: "tch" ("teach") for "teachers"; a verb of four
    letters at least ("owner" is no "own" cut, "order" no "ord")."""
    noun = word[:-1] if word.endswith("s") else word
    if len(short) < 3 or not noun.isalpha() or not noun.endswith(("er", "or")):
        return False
    verb = noun[:-2]
    # (its first letters, or its first letter and consonants: no looser cut, as a word ending "-er" may be
    # no doer's noun at all: "recover" is no "recvd")
    plain = verb.startswith(short) or not any(c in VOWELS for c in short[1:])
    return len(verb) >= 4 and plain and _cuts(short, verb)


def _cuts(short: str, word: str, near: bool = True) -> bool:
    # (a cut of two letters, two more: "hd" is no "had", "hm" no "him")
    if len(word) < len(short) + (1 if len(short) >= 3 else 2) or word[0] != short[0]:
        return False
    if len(short) >= 3 and word.startswith(short):
        return len(word) >= len(short) + 2
    if any(c in VOWELS for c in short[1:]):
        # the word's first letters up to the cut's last vowel, then every consonant after them, of the
        # word or its past participle: "recvd" ("received", "receive"; not "part" for "parent", which
        # drops its "n"); or its first three letters or more, then a consonant of the next three letters
        # short of its end ("supv": "supervised"; a cut ending with the word's last letter keeps every
        # consonant before it: "part" is still no "parent")
        start = max(i for i, c in enumerate(short) if c in VOWELS) + 1
        rests = {_consonants(w[start:]) for w in (word, stem(word), word + "d")}
        if start < len(short) and word.startswith(short[:start]) and short[start:] in rests:
            return True
        # (only of the question's own word, ``near``: "doctorate" means "supervise" but is no "supv")
        k = len(short) - 1
        ahead = word[k : min(k + 3, len(word) - 1)]
        return near and k >= 3 and short[-1] not in VOWELS and short[:k] == word[:k] and short[-1] in ahead
    rest = iter(word[1:])
    if not all(c in rest for c in short[1:]):
        return False
    # (its second letter close to its first, two consonants skipped at most: "rtg" is "rating", but "crn"
    # is no "children", "hld" no "household", "stn" no "sandstone")
    if len(short) >= 2 and len(_consonants(word[1 : word.index(short[1], 1)])) >= 2:
        return False
    # (ending with its last consonant, or, of three letters or more, every consonant of its stem but the
    # last: "dsg" is "design", as "dsgn" is; not a doer's noun's, whose last consonant is its ending:
    # "drv" of "drivers" is the verb's cut)
    core = stem(word)
    return (
        short[-1] in (_consonants(word)[-1:], _consonants(core)[-1:])
        or (
            len(short) >= 3
            # (a past participle's verb may end so: "chrt" is "chartered")
            and (not core.endswith(("er", "or")) or word.endswith("ed"))
            and (core[0] + _consonants(core[1:]))[:-1] == short
        )
    )

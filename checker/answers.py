"""The answers the checker takes, declared once.

Each answer is declared here with everything the rest of the project needs to know of it: its
key in the checker's input and the part of the input it belongs to, its type and allowed values,
the question the form asks and each value's label in both languages, its spreadsheet columns, and
the former names it is still accepted under. The reader of untrusted input (checker/application.py),
the spreadsheet reader (checker/batch.py), the checker and batch pages (sitegen/checker_page.py,
which hands the keys on to web/checker/form.mjs) and the README's input table (`markdown_table`)
all read these declarations, so no key, value or label is written in two places.

The contract names no year, since JST runs an ASPIRE call every year: a label that needs one says
{fiscal_year} (2025年度 / FY2025), or another of the call's own placeholders ({deadline},
{indirect_rate}: checker.texts.call_params), filled for the call a page shows (`text`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from dataclasses import dataclass

from .calldata import Call, Named, Track
from .formatting import FiscalYear, Lang, Localized, Renderable, fill
from .texts import call_params

# Bounds that keep any single request small and every sum exact in JavaScript too (below 2**53).
MAX_AMOUNT = 10**12
MAX_LINES = 1000
MAX_PEOPLE = 100
"""At most this many counterpart PIs, team members, and other applications per person."""
MAX_TEXT = 200
MAX_LINK = 200_000
"""At most this many characters of answers in a prefilled link (`checker/#a=…`): far more than the
largest plan anyone writes, and refused before it is decoded, so no link can freeze the page."""
MAX_FILE_BYTES = 10 * 2**20
"""A batch file of at most 10 MiB (an .xlsx also at most MAX_UNPACKED_BYTES once unpacked)."""
MAX_UNPACKED_BYTES = 100 * 2**20
MAX_ROWS = 2_000
"""At most this many planned applications (rows, or lines of JSON Lines) in one batch file."""

CALL = "call"
"""The plan's key naming the call it is judged by (the current call when not given). It says which
rules apply rather than answering one, so the form never asks it (a checker page is one call's)
and the blank spreadsheet leaves it out (the batch page judges rows by its own call)."""


# --- Parts of the input ---------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """How a spreadsheet row holds one entry of a part: the prefix of its columns ({n} numbers the
    entries from 1), and the answer the prefix itself gives (the columns pi_… are the PI's)."""

    prefix: str
    implies: tuple[str, str] | None = None


@dataclass(frozen=True, eq=False)
class Part:
    """One object of the input: the plan as a whole, or a part the plan holds, either one object
    (`many` 0) or a list of at most `many`. Each part is declared once, below, and known by
    identity (eq=False): hashing it field by field, parents included, cost more than the input's
    reading itself."""

    name: str
    key: str | None
    """Its key in the object that holds it; None for the plan."""
    parent: Part | None
    many: int
    entries: tuple[Entry, ...]
    doc: str
    """What its objects are, for the README's table."""

    @property
    def path(self) -> str:
        """Where its objects are in the input, as the README writes it: "team[]", "budget.lines[]"."""
        if self.parent is None or self.key is None:
            return ""
        above = self.parent.path
        return (f"{above}.{self.key}" if above else self.key) + ("[]" if self.many else "")


PLAN = Part("plan", None, None, 0, (Entry(""),), "the planned application")
COUNTERPART = Part(
    "counterpart", "counterpart_pis", PLAN, MAX_PEOPLE, (Entry("counterpart_{n}_"),),
    "the counterpart PIs, one object each",
)
MEMBER = Part(
    "member", "team", PLAN, MAX_PEOPLE, (Entry("pi_", ("role", "pi")), Entry("co_pi_{n}_", ("role", "co-pi"))),
    'the PI and each Co-PI, one object each; exactly one has the role `"pi"`',
)
BUDGET = Part("budget", "budget", PLAN, 0, (Entry(""),), "the budget")
LINE = Part(
    "line", "lines", BUDGET, MAX_LINES, (Entry(""),),
    "its lines of direct costs (a spreadsheet gives each fiscal year's total and network part instead)",
)
PARTS = (PLAN, COUNTERPART, MEMBER, BUDGET, LINE)


# --- Values and types -----------------------------------------------------------------------


@dataclass(frozen=True)
class Fixed:
    """Allowed values the checker itself fixes, each with its label, in the order the form offers them."""

    labelled: tuple[tuple[str, Localized], ...]

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(value for value, _ in self.labelled)

    def of(self, call: Call) -> tuple[tuple[str, Localized], ...]:
        return self.labelled


@dataclass(frozen=True)
class OfCall:
    """Allowed values each call lists for itself, labelled with the call's own names: its tracks
    or its fields (`name`, the Call attribute that holds them)."""

    name: str

    def of(self, call: Call) -> tuple[tuple[str, Localized], ...]:
        listed: Mapping[str, Track | Named] = {"tracks": call.tracks, "fields": call.fields}[self.name]
        return tuple((value, item.name) for value, item in listed.items())


def _fixed(*values: tuple[str, str, str]) -> Fixed:
    return Fixed(tuple((value, Localized(ja, en)) for value, ja, en in values))


@dataclass(frozen=True)
class Kind:
    """A type of answer: how the input's JSON writes one (`json`, for the README; a choice fills in
    its {values}), how a spreadsheet cell does (`cell`, for the batch page's guide; a choice's is
    the pattern of each value), and the values of a yes/no."""

    name: str
    json: str
    cell: Localized | None = None
    values: Fixed | None = None


CHOICE = Kind("choice", "{values}", Localized("{value}：{label}", "{value}: {label}"))
YES_NO = Kind(
    "yes/no", "`true` or `false`",
    Localized("はい／いいえ（yes／no、TRUE／FALSE、○／×も可）", "yes / no (also TRUE / FALSE, はい / いいえ, ○ / ×)"),
    _fixed(("true", "はい", "Yes"), ("false", "いいえ", "No")),
)
WHOLE = Kind("whole number", f"a whole number from 0 to {MAX_PEOPLE}", Localized("0以上の整数", "A whole number, 0 or more"))
DATE = Kind(
    "date", '`"YYYY-MM-DD"`',
    Localized("日付（例：2025-05-31、2025/5/31、2025年5月31日）", "A date, e.g. 2025-05-31 or 2025/5/31"),
)
MOMENT = Kind(
    "date-time", 'ISO 8601 with the offset from UTC (`"2025-05-12T11:30:00+09:00"`)',
    Localized("日時（例：2025/5/12 11:30。時差がなければ日本時間。時差付き：2025-05-12T11:30:00+09:00）",
              "Date and time, e.g. 2025/5/12 11:30 (Japan time unless an offset is given: 2025-05-12T11:30:00+09:00)"),
)
COUNTRY = Kind(
    "country code", 'an ISO 3166-1 alpha-2 code (`"GB"`) or `"EU"`',
    Localized("ISO 3166-1の2文字の国コード、またはEU（例：GB、DE、EU）", "ISO 3166-1 two-letter code, or EU (e.g. GB, DE, EU)"),
)
YEN = Kind(
    "yen amount", f"whole yen from 0 to {MAX_AMOUNT:,}",
    Localized("円単位の金額（例：1,200,000 または 120万）", "Whole yen, e.g. 1,200,000 or 120万"),
)
FISCAL_YEAR = Kind("fiscal year", "a fiscal year such as `2026`")
TEXT = Kind("text", f"text of at most {MAX_TEXT} characters", Localized("自由に記入", "Any text"))

TRACKS = OfCall("tracks")
FIELDS = OfCall("fields")
_FUNDING = _fixed(
    ("funded", "既に支援を受けている", "Already funded"),
    ("applied", "申請済み（結果待ち）", "Applied, result pending"),
    ("none", "支援を受けておらず、申請もしていない", "Neither funded nor applied"),
)
_ROLES = _fixed(("pi", "研究代表者（PI）", "Principal investigator (PI)"), ("co-pi", "主たる共同研究者（Co-PI）", "Co-PI"))
_ONGOING = _fixed(
    ("none", "参画していない", "None"),
    ("single-pi", "単独公募の課題のPI", "PI of a project from a single-applicant call"),
    ("single-co-pi", "単独公募の課題のCo-PI", "Co-PI of a project from a single-applicant call"),
    ("joint-pi", "共同公募の課題のPI", "PI of a project from a joint call"),
    ("joint-co-pi", "共同公募の課題のCo-PI", "Co-PI of a project from a joint call"),
)
_STAYS = _fixed(
    ("about-one-year", "原則1年程度", "About one year"),
    ("shorter", "1年程度より短い", "Shorter than about one year"),
    ("none", "実施しない", "No such stays"),
)
FUNDING = _FUNDING.ids
ROLES = _ROLES.ids
ONGOING = _ONGOING.ids
STAYS = _STAYS.ids


# --- Answers --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """One of an answer's spreadsheet columns, named after its entry's prefix ({year}: one column
    per fiscal year), with what it holds (the batch page's guide) and its former names."""

    name: str
    holds: Localized
    formerly: tuple[str, ...] = ()


@dataclass(frozen=True)
class Answer:
    """One answer of the input: `label` is the question the form asks (or, for an answer given by
    where its part is, what it is); `default` is what leaving it out means (None: missing)."""

    key: str
    part: Part
    kind: Kind
    label: Localized
    values: Fixed | OfCall | None = None
    hint: Localized | None = None
    columns: tuple[Column, ...] = ()
    formerly: tuple[str, ...] = ()
    default: bool | str | None = None
    implied: bool = False
    """Given by where its part is (a member in the PI's place or a Co-PI's, a line in a fiscal
    year's table or column), never asked as a question or a column of its own."""
    only_if: tuple[str, str] | None = None
    """(key, value) of the same part that makes it matter: the form asks it only then."""


def _answer(
    key: str, part: Part, kind: Kind, label: Localized, *, holds: Localized | None = None,
    values: Fixed | OfCall | None = None, hint: Localized | None = None, formerly: tuple[str, ...] = (),
    default: bool | str | None = None, implied: bool = False, only_if: tuple[str, str] | None = None,
    columns: tuple[Column, ...] = (),
) -> Answer:
    """An answer whose spreadsheet column, when it `holds` something, is named as its key (and
    was named as its former keys)."""
    own = (Column(key, holds, formerly),) if holds else ()
    return Answer(key, part, kind, label, values, hint, own + columns, formerly, default, implied, only_if)


ANSWERS: tuple[Answer, ...] = (
    _answer("track", PLAN, CHOICE, Localized("応募するトラック", "Which track are you applying to?"), values=TRACKS,
            holds=Localized("応募するトラック", "The track")),
    _answer("track_requirements_met", PLAN, YES_NO,
            Localized("PIは、選んだトラックの対象となる研究者に該当しますか", "Is the PI the kind of researcher the chosen track is for?"),
            hint=Localized("各トラックの対象は上の説明を参照してください。", "Each track's description is shown above."),
            holds=Localized("PIがトラックの対象となる研究者に該当するか", "Whether the PI is the kind of researcher the track is for")),
    _answer("field", PLAN, CHOICE, Localized("研究分野", "Research field"), values=FIELDS,
            holds=Localized("研究分野", "The research field")),
    _answer("country", COUNTERPART, COUNTRY, Localized("国・地域", "Country or region"),
            holds=Localized("相手側PI（1人目、2人目…）の国・地域", "Country or region of counterpart PI 1, 2, …")),
    _answer("funding", COUNTERPART, CHOICE,
            Localized("相手国側のプログラムによる支援", "Funding from a programme of the partner country"), values=_FUNDING,
            holds=Localized("相手側PIの支援の状況", "The counterpart PI's funding")),
    _answer("result_known_by", COUNTERPART, DATE, Localized("採択結果が判明する日", "Date the result will be known"),
            only_if=("funding", "applied"),
            holds=Localized("申請中の場合、採否の結果が分かる日", "If applied: the date the result will be known")),
    _answer("loi", COUNTERPART, YES_NO,
            Localized("相手側PIの所属機関からLoI（Letter of Intent）を入手できますか",
                      "Will you have a letter of intent (LoI) from their institution?"),
            holds=Localized("相手側PIの所属機関のLoIがあるか", "Whether their institution gives a letter of intent")),
    _answer("role", MEMBER, CHOICE, Localized("チームでの役割", "Role in the team"), values=_ROLES, implied=True),
    _answer("erad_integrity_registered", MEMBER, YES_NO,
            Localized("e-Radに「研究インテグリティに係る情報」を登録済みですか", "Is their research-integrity information entered in e-Rad?"),
            holds=Localized("PI・Co-PI（1人目、2人目…）がe-Radに研究インテグリティに係る情報を登録したか",
                            "Whether the PI or Co-PI 1, 2, … has registered research-integrity information in e-Rad")),
    _answer("other_aspire_applications", MEMBER, WHOLE,
            Localized("参加している他の{fiscal_year}ASPIRE公募の申請数", "Number of other {fiscal_year} ASPIRE applications they are in"),
            hint=Localized("PI・Co-PIのいずれの立場も含みます。なければ 0。", "As PI or as Co-PI; 0 if none."),
            holds=Localized("その人が参加するほかの{fiscal_year}ASPIRE応募の件数",
                            "How many other {fiscal_year} ASPIRE applications that person is in"),
            formerly=("other_fy2025_aspire_applications",)),
    _answer("ongoing_aspire", MEMBER, CHOICE, Localized("ASPIREで支援中の課題への参画", "Role in an ongoing ASPIRE project"),
            values=_ONGOING,
            holds=Localized("その人がASPIREで支援中の課題に参画しているか", "Whether that person is in an ongoing ASPIRE project")),
    _answer("young_researcher_stays", PLAN, CHOICE,
            Localized("若手研究者等が相手国側で研究を実施する期間",
                      "How long will young researchers carry out research in the partner country?"),
            values=_STAYS, holds=Localized("若手研究者の海外派遣の期間", "How long young researchers stay abroad")),
    _answer("invites_young_researchers", PLAN, YES_NO,
            Localized("相手国側から有望な若手研究者等を招へいしますか",
                      "Will you invite promising young researchers from the partner country?"),
            holds=Localized("相手国・地域から若手研究者を招へいするか", "Whether young researchers are invited from abroad")),
    _answer("include_indirect", BUDGET, YES_NO,
            Localized("間接経費（直接経費の{indirect_rate}）を加える", "Add indirect costs ({indirect_rate} of direct costs)"),
            default=True,
            holds=Localized("間接経費を含めるか（空欄は「はい」）", "Whether indirect costs are included (blank: yes)")),
    _answer("fiscal_year", LINE, FISCAL_YEAR, Localized("年度", "Fiscal year"), implied=True),
    _answer("category", LINE, TEXT, Localized("費目", "Category"), default=""),
    _answer("amount", LINE, YEN, Localized("金額（円）", "Amount (yen)"), columns=(
        Column("direct_fy{year}", Localized("その年度の直接経費", "The fiscal year's direct costs")),
        Column("network_fy{year}", Localized("そのうち、ネットワーク構築・若手育成のための額",
                                             "Of which for networks and young researchers")),
    )),
    _answer("network", LINE, YES_NO, Localized("ネットワーク構築・若手育成のため", "For networks and young researchers"),
            default=False),
    _answer("submitted_at", PLAN, MOMENT,
            Localized("e-Radで提出を完了する予定の日時", "When you plan to complete the e-Rad submission"),
            hint=Localized("締切：{deadline}", "Deadline: {deadline}"),
            holds=Localized("e-Radで提出する予定の日時", "When you plan to submit through e-Rad")),
)
"""Every answer, in the order the form asks them (the findings follow the same order)."""

ROW_ID = Column("id", Localized("計画を見分けるための名前（結果にそのまま表示されます）", "Your name for the plan (shown as is in the results)"))
"""A spreadsheet's (or a JSON line's) own name for its plan: no answer, but echoed in the report."""


# The declarations are constants, and the functions below are asked for every object of every
# input: each answers once per part.


@cache
def answers_of(part: Part) -> tuple[Answer, ...]:
    return tuple(answer for answer in ANSWERS if answer.part is part)


def answer(part: Part, key: str) -> Answer:
    """The answer `key` of `part`; a KeyError names what is not declared."""
    found = next((each for each in answers_of(part) if each.key == key), None)
    if found is None:
        raise KeyError(f"no answer {key!r} in the {part.name}")
    return found


@cache
def keys(part: Part) -> tuple[str, ...]:
    """The keys of one of the part's objects, in the declared order: its answers, and the parts it
    holds where their first answer comes."""
    found = [CALL] if part is PLAN else []
    for each in ANSWERS:
        key = _key_in(each.part, part) if each.part is not part else each.key
        if key is not None and key not in found:
            found.append(key)
    return tuple(found)


def _key_in(inner: Part, outer: Part) -> str | None:
    """The key under which `outer`'s objects hold `inner` (or the part holding it), if they do."""
    while inner.parent is not None:
        if inner.parent is outer:
            return inner.key
        inner = inner.parent
    return None


@cache
def child(part: Part, key: str) -> Part | None:
    """The part that `part`'s objects hold under `key`, if the key is one."""
    return next((each for each in PARTS if each.parent is part and each.key == key), None)


def formerly(part: Part) -> dict[str, str]:
    """The part's former keys still accepted, each with its current name."""
    return {old: each.key for each in answers_of(part) for old in each.formerly}


def choices(answer: Answer, call: Call) -> tuple[tuple[str, Localized], ...]:
    """The values `answer` allows for `call`, each with its label, in the order the form offers
    them ("true" and "false" for a yes/no); none for an answer that is not chosen."""
    values = answer.values or answer.kind.values
    return values.of(call) if values else ()


def cell_words(answer: Answer, call: Call, lang: Lang) -> str:
    """What to write in a spreadsheet cell of the answer: each value of a choice with its label;
    else its type's words, and for a country the call's countries and regions (the blank
    workbook's notes and guide)."""
    pattern = CHOICE.cell.render(lang) if CHOICE.cell else "{value}"

    def listed(values: tuple[tuple[str, Localized], ...]) -> str:
        return "; ".join(pattern.replace("{value}", value).replace("{label}", text(label, call, lang)) for value, label in values)

    if answer.kind is CHOICE:
        return listed(choices(answer, call))
    if answer.kind.cell is None:
        raise ValueError(f"{answer.key}: an answer with a spreadsheet column needs a type that says how to write it")
    words = answer.kind.cell.render(lang)
    if answer.kind is COUNTRY:
        countries = tuple((code, country.name) for code, country in call.countries.items())
        words += Localized("。この公募の対象：", ". The call's: ").render(lang) + listed(countries)
    return words


def text(label: Localized, call: Call, lang: Lang) -> str:
    """A declared text as a page for `call` shows it: {fiscal_year} and the call's placeholders filled."""
    params: dict[str, Renderable] = {**call_params(call), "fiscal_year": FiscalYear(call.fiscal_year)}
    return fill(label.render(lang), lang, params)


@dataclass(frozen=True)
class SheetColumn:
    """One declared spreadsheet column of an answer for one kind of entry, with its full name
    ({n}: the entry's number; {year}: the fiscal year) and its former names."""

    answer: Answer
    entry: Entry
    column: Column

    @property
    def name(self) -> str:
        return self.entry.prefix + self.column.name

    @property
    def former_names(self) -> tuple[str, ...]:
        return tuple(self.entry.prefix + old for old in self.column.formerly)


def sheet_columns(answer: Answer) -> tuple[SheetColumn, ...]:
    """The answer's spreadsheet columns: each of its columns for each entry of its part
    (pi_… and co_pi_{n}_… for a team member's)."""
    return tuple(SheetColumn(answer, entry, column) for entry in answer.part.entries for column in answer.columns)


# --- The README's table ---------------------------------------------------------------------


def markdown_table(call: Call) -> str:
    """The input table of README.md ("Input and output"), for `call` (the current call): a row per
    key, in the order the form asks; tests/test_answers.py holds the README to it."""
    rows = [
        "| key | value | what it is | spreadsheet column |",
        "|---|---|---|---|",
        _row(f"`{CALL}`", f"the id of a call the checker ships; default the current call (`{call.id}`)",
             "the call whose rules apply", f"`{CALL}`"),
    ]
    shown: set[str] = set()
    for each in ANSWERS:
        for part in _parts_above(each.part):
            if part.name not in shown:
                shown.add(part.name)
                whole = f"a list of at most {part.many} objects" if part.many else "an object"
                rows.append(_row(f"`{part.path.removesuffix('[]')}`", f"{whole} with the keys below", part.doc, ""))
        path = f"{each.part.path}.{each.key}" if each.part.path else each.key
        names = ", ".join(
            [f"`{sheet.name}`" for sheet in sheet_columns(each)]
            + [f'`{entry.prefix}…` give `"{entry.implies[1]}"`' for entry in each.part.entries
               if entry.implies and entry.implies[0] == each.key]
        )
        rows.append(_row(f"`{path}`", _json_value(each, call), text(each.label, call, "en"), names))
    return "\n".join(rows) + "\n"


def _row(*cells: str) -> str:
    """A Markdown table row; a pipe in a cell would end the cell."""
    return "| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |"


def _parts_above(part: Part) -> list[Part]:
    """The part and those holding it, outermost first, without the plan."""
    found = []
    while part.parent is not None:
        found.insert(0, part)
        part = part.parent
    return found


def _json_value(each: Answer, call: Call) -> str:
    """What the input's JSON holds for the answer, as the README says it."""
    values = [f'`"{value}"`' for value, _ in choices(each, call)] if each.kind is CHOICE else []
    listed = ", ".join(values[:-1]) + f" or {values[-1]}" if len(values) > 1 else "".join(values)
    if isinstance(each.values, OfCall):
        listed = f"the call's {each.values.name}: {listed}"
    notes = [each.kind.json.format(values=listed)]
    if each.only_if:
        key, value = each.only_if
        notes.append(f'asked when `{key}` is `"{value}"`')
    if each.default is not None:
        notes.append(f"default `{json.dumps(each.default)}`")
    if each.formerly:
        notes.append("also accepted as " + ", ".join(f"`{old}`" for old in each.formerly))
    return "; ".join(notes)

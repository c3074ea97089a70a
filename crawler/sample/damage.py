"""What real files do to a clean table, as options a renderer can apply.

Every option reproduces something seen in the seeds or on the portals: labels
broken over lines inside a cell (商业 / 企业), spaces inside labels (商业 企业),
variant characters (釆购), units inside values (42.21万元, 251000元), signed
changes (+410), zeros left blank, a blank 总计 column, Word bookmark debris
([bookmark: _GoBack]), full-width spaces around numbers, and optional sections
left out. A damaged file still carries the same figures: only their spelling changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

VARIANTS = {"采购": "釆购"}
# Short headers Word wraps inside narrow cells; longer labels stay whole.
SPLITTABLE = frozenset({"商业企业", "科研机构", "社会公益组织", "法律服务机构", "结果维持", "结果纠正", "其他结果", "尚未审结"})
MISSABLE = frozenset({"procurement", "problems", "other"})


@dataclass(frozen=True)
class Damage:
    split_labels: bool = False
    spaced_labels: bool = False
    variant_chars: bool = False
    amount_unit: str | None = None  # None: bare 万元 figure; "万元" or "元": unit written in the cell
    signed_changes: bool = False
    blank_zeros: bool = False
    blank_total: bool = False
    goback: bool = False
    fullwidth_spaces: bool = False
    missing: frozenset[str] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        if self.amount_unit not in (None, "万元", "元"):
            raise ValueError(f"amount_unit must be None, '万元' or '元', not {self.amount_unit!r}")
        unknown = set(self.missing) - MISSABLE
        if unknown:
            raise ValueError(f"cannot leave out {sorted(unknown)}; optional sections are {sorted(MISSABLE)}")


CLEAN = Damage()
HEAVY = Damage(
    split_labels=True,
    variant_chars=True,
    amount_unit="万元",
    signed_changes=True,
    blank_zeros=True,
    goback=True,
    fullwidth_spaces=True,
)


def header_label(text: str, damage: Damage) -> str:
    """A short header label as a damaged file prints it (``SPLITTABLE`` labels only)."""
    if text not in SPLITTABLE or not (damage.split_labels or damage.spaced_labels):
        return variant(text, damage)
    pairs = [text[i : i + 2] for i in range(0, len(text), 2)]
    joiner = "\n" if damage.split_labels else " "
    return variant(joiner.join(pairs), damage)


def variant(text: str, damage: Damage) -> str:
    if not damage.variant_chars:
        return text
    for good, bad in VARIANTS.items():
        text = text.replace(good, bad)
    return text


def number(value: float, decimals: int = 4) -> str:
    """A figure as typed in Word: integers plain, decimals without trailing zeros."""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.{decimals}f}".rstrip("0").rstrip(".")


def count_text(value: float | None, damage: Damage, slot: int, *, total: bool = False) -> str:
    """A count cell; ``slot`` (the cell's position) picks where full-width spaces fall."""
    if value is None or (total and damage.blank_total) or (value == 0 and damage.blank_zeros):
        return ""
    text = number(value)
    if damage.fullwidth_spaces and slot % 3 == 1:
        text = "　" + text if slot % 2 else text + "　"
    return text


def change_text(value: float | None, damage: Damage, slot: int) -> str:
    text = count_text(value, damage, slot)
    if damage.signed_changes and value is not None and value > 0 and text:
        return "+" + text.strip("　")
    return text


def amount_text(value: float | None, damage: Damage) -> str:
    """A procurement amount held in 万元, written as the damage says."""
    if value is None:
        return ""
    if damage.amount_unit == "元":
        return f"{round(value * 10000)}元"
    if damage.amount_unit == "万元":
        return f"{number(value)}万元"
    return number(value)

"""Official labels of the national formats and how printed labels map onto keys.

Matching is on normalised text (see :func:`parsers.labels.norm`) by keywords
that survive the usual damage, most specific first; a fuzzy comparison with
the full official label catches the remaining misspellings.
"""

from __future__ import annotations

from difflib import SequenceMatcher
from functools import lru_cache

from ..labels import norm, strip_outline

# (key, keywords any of which identifies the row, group keyword required or None)
REQUEST_ROW_RULES: tuple[tuple[str, tuple[str, ...], str | None], ...] = (
    ("new", ("本年新收", "新收政府信息公开申请", "本年收到"), None),
    ("carried_in", ("上年结转",), None),
    ("carried_out", ("结转下年度", "结转下年", "继续办理"), None),
    ("partly_granted", ("部分公开",), None),
    ("granted", ("予以公开",), None),
    ("withheld_state_secret", ("国家秘密",), None),
    ("withheld_other_law", ("法律行政法规禁止", "禁止公开"), None),
    ("withheld_security_stability", ("三安全一稳定", "危及"), None),
    ("withheld_third_party", ("第三方",), None),
    ("withheld_internal_affairs", ("内部事务",), None),
    ("withheld_process_info", ("过程性",), None),
    ("withheld_enforcement_file", ("执法案卷",), None),
    ("withheld_query_matter", ("查询事项",), None),
    ("unavailable_not_held", ("不掌握",), None),
    ("unavailable_needs_creation", ("另行制作", "没有现成"), None),
    ("unavailable_unclear", ("仍不明确", "补正后"), None),
    ("rejected_petition", ("信访", "举报投诉"), None),
    ("rejected_duplicate", ("重复申请",), None),
    ("rejected_publication", ("出版物",), None),
    ("rejected_excessive", ("大量反复",), None),
    ("rejected_confirmation", ("重新出具", "确认或"), None),
    ("other_no_correction", ("逾期不补正", "不补正"), None),
    ("other_fee_unpaid", ("收费通知", "缴纳费用"), None),
    ("other_misc", ("其他",), "其他处理"),
    ("other", ("其他处理",), None),
    ("handled_total", ("总计",), None),
)

OFFICIAL_REQUEST_LABELS = {
    "new": "一、本年新收政府信息公开申请数量",
    "carried_in": "二、上年结转政府信息公开申请数量",
    "granted": "（一）予以公开",
    "partly_granted": "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
    "withheld_state_secret": "1.属于国家秘密",
    "withheld_other_law": "2.其他法律行政法规禁止公开",
    "withheld_security_stability": "3.危及“三安全一稳定”",
    "withheld_third_party": "4.保护第三方合法权益",
    "withheld_internal_affairs": "5.属于三类内部事务信息",
    "withheld_process_info": "6.属于四类过程性信息",
    "withheld_enforcement_file": "7.属于行政执法案卷",
    "withheld_query_matter": "8.属于行政查询事项",
    "unavailable_not_held": "1.本机关不掌握相关政府信息",
    "unavailable_needs_creation": "2.没有现成信息需要另行制作",
    "unavailable_unclear": "3.补正后申请内容仍不明确",
    "rejected_petition": "1.信访举报投诉类申请",
    "rejected_duplicate": "2.重复申请",
    "rejected_publication": "3.要求提供公开出版物",
    "rejected_excessive": "4.无正当理由大量反复申请",
    "rejected_confirmation": "5.要求行政机关确认或重新出具已获取信息",
    "other": "（六）其他处理",
    "other_no_correction": "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    "other_fee_unpaid": "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    "other_misc": "3.其他",
    "handled_total": "（七）总计",
    "carried_out": "四、结转下年度继续办理",
}

REQUEST_COLUMN_RULES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("natural_person", ("自然人",)),
    ("commercial", ("商业企业",)),
    ("research", ("科研机构",)),
    ("public_interest", ("社会公益组织", "公益组织")),
    ("legal_service", ("法律服务机构",)),
    ("total", ("总计", "合计")),
    ("other_org", ("其他",)),
)

ACTIVE_COLUMN_RULES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("made", ("本年新制作", "本年制发", "新制作")),
    ("published", ("本年新公开", "新公开数量")),
    ("repealed", ("本年废止", "废止件数")),
    ("in_force", ("对外公开总数", "现行有效")),
    ("previous_items", ("上一年项目", "上年项目")),
    ("change", ("本年增减", "增减")),
    ("decisions", ("处理决定",)),
    ("fee_amount", ("收费金额",)),
    ("procurement_items", ("采购项目",)),
    ("procurement_amount", ("采购总金额", "采购金额")),
)

ACTIVE_ROWS = (
    "规章",
    "规范性文件",
    "行政规范性文件",
    "行政许可",
    "其他对外管理服务事项",
    "行政处罚",
    "行政强制",
    "行政事业性收费",
    "政府集中采购",
)

APPEAL_OUTCOME_RULES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("upheld", ("结果维持", "维持")),
    ("corrected", ("结果纠正", "纠正")),
    ("other", ("其他结果",)),
    ("pending", ("尚未审结", "未审结")),
    ("total", ("总计", "合计")),
)

APPEAL_GROUP_RULES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("litigation_direct", ("未经复议直接起诉", "直接起诉")),
    ("litigation_after_review", ("复议后起诉",)),
    ("review", ("行政复议",)),
)

ITEM_NUMBERS = {"一": "1", "五": "5", "六": "6", "八": "8", "九": "9", "二": "2", "三": "3", "四": "4", "七": "7"}


@lru_cache(maxsize=16384)
def match_keywords(key: str, rules: tuple[tuple[str, tuple[str, ...]], ...]) -> str | None:
    """First rule whose keyword occurs in the normalised label.

    Kept: the same labels come back in every report of a form, over a hundred a report."""
    for name, words in rules:
        if any(w in key for w in words):
            return name
    return None


def match_request_row(label: str, groups: list[str]) -> str | None:
    """Row key of a requests-table row from its most specific label and its group labels."""
    key = norm(label)
    if not key:
        return None
    bare = strip_outline(key)
    group_keys = [norm(g) for g in groups]
    for name, words, group in REQUEST_ROW_RULES:
        if group is not None:
            if bare in words and any(group in g for g in group_keys):
                return name
            continue
        if any(w in key for w in words):
            return name
    return fuzzy_request_row(key)


def fuzzy_request_row(key: str) -> str | None:
    """Closest official label when no keyword matched (misspelled labels)."""
    best, score = None, 0.0
    for name, official in OFFICIAL_REQUEST_LABELS.items():
        ratio = SequenceMatcher(None, strip_outline(key), strip_outline(norm(official))).ratio()
        if ratio > score:
            best, score = name, ratio
    return best if score >= 0.75 else None


def canonical_active_row(label: str) -> str:
    """Official row name when the printed one is a variant of it; the cleaned label otherwise."""
    key = strip_outline(norm(label))
    if key in ACTIVE_ROWS:
        return key
    for official in ACTIVE_ROWS:
        if SequenceMatcher(None, key, official).ratio() >= 0.8:
            return official
    return key

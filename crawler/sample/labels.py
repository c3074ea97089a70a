"""Official labels of the gb-2019 and gb-2021 tables, keyed by the record's keys.

The wording is that of the State Council templates (国办公开办函〔2019〕60号 and
〔2021〕30号) as the seeds print it, so rendered tables read like the real ones.
"""

from __future__ import annotations

from dataclasses import dataclass

SECTION_HEADINGS = (
    "一、总体情况",
    "二、主动公开政府信息情况",
    "三、收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况",
    "五、存在的主要问题及改进情况",
    "六、其他需要报告的事项",
)

BALANCE_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"

APPLICANT_LABELS = ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计")


@dataclass(frozen=True)
class RequestGroup:
    """A block of outcome rows under one label: (三)不予公开 and its eight reasons, etc."""

    label: str
    rows: tuple[tuple[str, str], ...]  # (row key, sub-label); a single row has sub-label ""


TOP_ROWS = (
    ("new", "一、本年新收政府信息公开申请数量"),
    ("carried_in", "二、上年结转政府信息公开申请数量"),
)
OUTCOMES_LABEL = "三、本年度办理结果"
CARRIED_OUT = ("carried_out", "四、结转下年度继续办理")

_COMMON_GROUPS = (
    RequestGroup("（一）予以公开", (("granted", ""),)),
    RequestGroup("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", (("partly_granted", ""),)),
    RequestGroup(
        "（三）不予公开",
        (
            ("withheld_state_secret", "1.属于国家秘密"),
            ("withheld_other_law", "2.其他法律行政法规禁止公开"),
            ("withheld_security_stability", "3.危及“三安全一稳定”"),
            ("withheld_third_party", "4.保护第三方合法权益"),
            ("withheld_internal_affairs", "5.属于三类内部事务信息"),
            ("withheld_process_info", "6.属于四类过程性信息"),
            ("withheld_enforcement_file", "7.属于行政执法案卷"),
            ("withheld_query_matter", "8.属于行政查询事项"),
        ),
    ),
    RequestGroup(
        "（四）无法提供",
        (
            ("unavailable_not_held", "1.本机关不掌握相关政府信息"),
            ("unavailable_needs_creation", "2.没有现成信息需要另行制作"),
            ("unavailable_unclear", "3.补正后申请内容仍不明确"),
        ),
    ),
    RequestGroup(
        "（五）不予处理",
        (
            ("rejected_petition", "1.信访举报投诉类申请"),
            ("rejected_duplicate", "2.重复申请"),
            ("rejected_publication", "3.要求提供公开出版物"),
            ("rejected_excessive", "4.无正当理由大量反复申请"),
            ("rejected_confirmation", "5.要求行政机关确认或重新出具已获取信息"),
        ),
    ),
)

_OTHER_2019 = RequestGroup("（六）其他处理", (("other", ""),))
_OTHER_2021 = RequestGroup(
    "（六）其他处理",
    (
        ("other_no_correction", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
        ("other_fee_unpaid", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
        ("other_misc", "3.其他"),
    ),
)
_TOTAL = RequestGroup("（七）总计", (("handled_total", ""),))


def outcome_groups(template: str) -> tuple[RequestGroup, ...]:
    other = _OTHER_2021 if template == "gb-2021" else _OTHER_2019
    return (*_COMMON_GROUPS, other, _TOTAL)


def request_rows(template: str) -> tuple[str, ...]:
    """The row keys a template prints, in order."""
    outcome = tuple(key for g in outcome_groups(template) for key, _ in g.rows)
    return ("new", "carried_in", *outcome, "carried_out")


OUTCOME_ROWS = tuple(key for g in _COMMON_GROUPS for key, _ in g.rows)

APPEAL_GROUP_LABELS = {"review": "行政复议", "litigation_direct": "未经复议直接起诉", "litigation_after_review": "复议后起诉"}
APPEAL_OUTCOME_LABELS = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")


@dataclass(frozen=True)
class ActiveItem:
    """One 第二十条 item block of section 二: its rows and (column key, header) pairs."""

    item: str
    heading: str
    rows: tuple[str, ...]
    columns: tuple[tuple[str, str], ...]


PROCUREMENT_HEADER = "采购总金额（万元，保留四位小数）"

ACTIVE_2019 = (
    ActiveItem(
        "20.1",
        "第二十条第（一）项",
        ("规章", "规范性文件"),
        (("made", "本年新制作数量"), ("published", "本年新公开数量"), ("in_force", "对外公开总数量")),
    ),
    ActiveItem(
        "20.5",
        "第二十条第（五）项",
        ("行政许可", "其他对外管理服务事项"),
        (("previous_items", "上一年项目数量"), ("change", "本年增/减"), ("decisions", "处理决定数量")),
    ),
    ActiveItem(
        "20.6",
        "第二十条第（六）项",
        ("行政处罚", "行政强制"),
        (("previous_items", "上一年项目数量"), ("change", "本年增/减"), ("decisions", "处理决定数量")),
    ),
    ActiveItem(
        "20.8",
        "第二十条第（八）项",
        ("行政事业性收费",),
        (("previous_items", "上一年项目数量"), ("change", "本年增/减")),
    ),
    ActiveItem(
        "20.9",
        "第二十条第（九）项",
        ("政府集中采购",),
        (("procurement_items", "采购项目数量"), ("procurement_amount", PROCUREMENT_HEADER)),
    ),
)

ACTIVE_2021 = (
    ActiveItem(
        "20.1",
        "第二十条第（一）项",
        ("规章", "行政规范性文件"),
        (("made", "本年制发件数"), ("repealed", "本年废止件数"), ("in_force", "现行有效件数")),
    ),
    ActiveItem("20.5", "第二十条第（五）项", ("行政许可",), (("decisions", "本年处理决定数量"),)),
    ActiveItem("20.6", "第二十条第（六）项", ("行政处罚", "行政强制"), (("decisions", "本年处理决定数量"),)),
    ActiveItem("20.8", "第二十条第（八）项", ("行政事业性收费",), (("fee_amount", "本年收费金额（单位：万元）"),)),
)

# Sub-rows some agencies print under 其他对外管理服务事项 (gb-2019, item 20.5); in the
# record they are ActiveRow(item="20.5", row=<sub-label>).
OTHER_SERVICE_PARENT = "其他对外管理服务事项"


def active_items(template: str) -> tuple[ActiveItem, ...]:
    return ACTIVE_2021 if template == "gb-2021" else ACTIVE_2019

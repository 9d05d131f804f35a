"""Deadlines: 年底前, 6月底前, 上半年, 三季度, 到2025年, 5年内, “十四五”末…, as ISO end dates.

A commitment can carry several (``6月底前完成A，年底前完成B``): every pattern below proposes
candidate spans, the most specific of overlapping candidates wins (``在2023年6月底前`` is
2023-06-30, not 2023-12-31), and every survivor is a deadline of the commitment, in text order.

Everything resolves against the plan year (``doc.year``, from metadata): ``年底前`` → its 12-31,
``3年内`` / ``用三年时间`` / ``经过三年左右的努力`` → the end of plan-year + 2, ``今年，…`` and the plan
year heading a task (``2024年，抓好…，完成…``) → its 12-31 when a clause opens with a completion verb,
``每年6月底前`` from ``自2020年起`` → the first occurrence (2020-06-30). Limits relative to the issue (``自印发之日起30日内``) count from the date the
document prints; with none the deadline is kept with a null date. jionlp's ``parse_time``
resolves holidays (lunar ones too); own rules do the rest. A policy's validity period
(``有效期至2025年12月31日``, ``自…起施行``) and a baseline (``在2020年基础上``) are not deadlines.
The word lists (completion verbs, holidays) are ``pipeline/resources/deadline_words.txt``.
"""
from __future__ import annotations

import calendar
import contextlib
import datetime as dt
import io
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Optional


from pipeline.records import Deadline, Document
from pipeline.extractors import register
from pipeline.extractors.table_cells import cell_deadlines, deadline_table, grid_deadlines, limit_value
from pipeline.stages.cn_numerals import cn_int
from pipeline.stages.grid import grid_rows

_Y = r"(?:19|20)\d\d"
# the period after a stage's name ('动员部署阶段（2015年6月~7月）')
_STAGE = "(?:" + "|".join(f"(?<=阶段{re.escape(b)})" for b in ("(", "（", ":", "：", "")) + ")"
# a field that states a task's limit ('完成时限：', '时间节点:'), in a note or a row flattened to text
_LIMIT_WORDS = ("完成时限", "完成时间", "时间节点", "办结时限", "完成期限", "时限要求", "时限")
_LIMIT_LABEL = "(?:" + "|".join(f"(?<={w}[:：])" for w in _LIMIT_WORDS) + ")"
_SP = r"[ \u3000]?"  # PDF text has spaces inside dates: '2021 年 3 月'
_MONTH = rf"(?<![\d一二三四五六七八九十])(?P<m>1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])"
_YEAR_OPT = rf"(?:(?P<y>{_Y}){_SP}年{_SP})?"
_BEFORE = r"(?:前|之前|以前)"


@lru_cache(maxsize=1)
def _words() -> dict[str, list[str]]:
    """The sections of deadline_words.txt."""
    out: dict[str, list[str]] = {}
    current = None
    text = resources.files("pipeline.resources").joinpath("deadline_words.txt").read_text("utf-8")
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("[") and line.endswith("]"):
            current = out.setdefault(line[1:-1], [])
        elif current is not None:
            current.append(line)
    return out


def _alt(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@dataclass(frozen=True)
class _Rule:
    name: str  # which resolver
    kind: str  # the ``deadlines.kind`` of what it finds
    pattern: re.Pattern
    rank: int  # specificity: a day beats a month beats a quarter … beats a year
    needs: tuple[str, ...] = ()  # the rule can only match a text holding one of these (a cheap test)


@lru_cache(maxsize=1)
def _rules() -> list[_Rule]:
    words = _words()
    adverbs = _alt(words["completion_adverbs"])
    verb = rf"(?:要|将|需|力争|争取|确保|全部|{adverbs})?(?:{_alt(words['completion'])})"
    holiday = _alt(words["holidays"])
    # a completion (or any delivering) verb later in the same clause
    completes = rf"[^，。；;,是的]{{0,12}}?(?:{_alt(words['completion'])})"
    any_verb = _alt(words["completion"] + words["completion_adverbs"] + _action_verbs())
    delivers = rf"[^，。；;,]{{0,30}}?(?:{any_verb})"
    day = rf"(?:{_SP}(?P<d>[1-3]?\d){_SP}日)?"
    xun = r"(?P<x>上旬|中旬|下旬)"
    fyp = r"[“\"]?十(?P<fyp>[一二三四五六七八九])五[”\"]?(?:规划)?"
    # (于 of 关于/对于/由于/基于/属于/处于/等于 is no limit word: '关于2023年重点工作部署')
    by = r"(?<![\d年])(?:到|至|截至|截止到?|(?:力争|争取|确保|计划)?(?:到|在|(?<![关对由基属处等])于)|力争|争取|确保)"
    # '上半年完成…', '上半年，…', '上半年在三市开展试点'; not '上半年考评分值'. A quarter needs its
    # verb at once: '一季度地区生产总值下降3%' reports a figure
    # A colon after it heads an entry of a schedule ('第一季度：完成春季学期转学工作；第二季度：…')
    # or a delivering verb at once ('第一季度发行专项债券'), not a change a figure reports
    delivers_now = _alt([v for v in _action_verbs() if v not in _CHANGE_VERBS])
    # ('一季度完成情况', '第二季度推进情况': the period a report covers, no limit)
    after_quarter = rf"(?![^，,。；;：:]{{0,4}}?(?:情况|进展|进度))(?=[，,：:]|{_BEFORE}|内|底|末|{verb}|{delivers_now}|{completes})"
    after_period = rf"(?=[，,：:]|{_BEFORE}|内|底|末|{verb}|{delivers})"
    limit_word = r"(?:(?<=[在于到至])|(?<=确保)|(?<=力争)|(?<=争取))"
    # a count of years ('3年', '三年'; a range '经过5—10年左右时间' is too vague to be a limit) and
    # the words that make it a period of work ahead: '内', '（的）时间', '（的）（不懈）努力'
    # ('经过五年的艰苦奋斗，…更加坚实' looks back)
    years = r"(?P<n>\d{1,2}|[一二两三四五六七八九十]{1,2})年"
    years_frame = r"(?:之?内|的?时间|的?(?:不懈)?努力)"
    month = ("月",)
    year = ("年",)
    quarter = ("季度",)

    def rule(name: str, kind: str, rank: int, needs: tuple[str, ...], *parts: str) -> _Rule:
        return _Rule(name, kind, re.compile("".join(parts)), rank, needs)

    return [
        # '6月底前', '2023年6月30日前', '6月中旬前', '6月份前'
        rule("month", "by", 4, month, rf"{_YEAR_OPT}{_MONTH}{_SP}月(?:{day}|份)?(?:底|末|{xun})?{_BEFORE}"),
        # '于2023年3月25日、6月25日、9月25日前报告': every date of a list closed by one 前
        rule("month", "by", 4, month, rf"{_YEAR_OPT}{_MONTH}{_SP}月{_SP}(?P<d>[1-3]?\d){_SP}日",
             rf"(?=(?:、(?:{_Y}年)?\d{{1,2}}月\d{{1,2}}日)+{_BEFORE})"),
        # '完成时限：2023年6月', '时间节点：12月': a month under a time-limit label is its end
        rule("month", "by", 4, month, rf"{_LIMIT_LABEL}{_SP}{_YEAR_OPT}{_MONTH}{_SP}月(?:份)?(?:底|末)?{_BEFORE}?"),
        # '动员部署阶段（2015年6月~7月）', '全面整治阶段(2015年7月~2017年6月)': a stage of a plan
        # ends with its period
        rule("stage", "by", 4, month, rf"{_STAGE}{_SP}(?:(?P<y0>{_Y}){_SP}年{_SP})?(?:1[0-2]|0?[1-9])"
             rf"{_SP}月(?:{_SP}[1-3]?\d{_SP}日)?(?:{_SP}[上中下]旬)?{_SP}[~～—–\-至到]{_SP}"
             rf"{_YEAR_OPT}{_MONTH}{_SP}月(?:{day}|份)?(?:底|末|{xun})?"),
        # '6月底完成', '到6月底，', '（10月底完善平台…）': the end of a month is a limit
        rule("month", "by", 4, month, rf"(?<!截至)(?<!截止){_YEAR_OPT}{_MONTH}{_SP}月(?:底|末)",
             r"(?![的以止后起开至到—\-])"),
        # '4月：制定工作方案', '3-4月：完成选址': a month heading an entry of a schedule (the range's end)
        # ('第四季度（11月份）：组织开展…': the month a quarter's entry names, in brackets)
        rule("month", "by", 4, month, rf"(?:(?<![\d年])\d{{1,2}}{_SP}[-—~～至]{_SP})?{_YEAR_OPT}{_MONTH}{_SP}月(?:份)?(?=[：:])"),
        rule("month", "by", 4, month, rf"(?<=[（(]){_MONTH}{_SP}月(?:份)?(?=[）)][：:])"),
        # '（12月取得明显成效）', '6月份完成', '6月30日完成': a bare month needs a completion verb
        rule("month", "by", 4, month, rf"{_YEAR_OPT}{_MONTH}{_SP}月(?:{day}|份)?(?:{xun})?(?={verb})"),
        rule("holiday", "holiday", 6, ("前",), rf"(?<![一二三四五六七八九十\d第])[“\"]?(?P<hol>{holiday})[”\"]?",
             rf"(?:节|假期)?{_BEFORE}(?![夕后])"),
        rule("relative", "relative", 6, ("内",),
             r"(?:自|从|在|于)?(?:本|该)?(?:方案|意见|办法|通知|规定|细则|计划|政策|文件)?",
             r"(?:印发|发布|公布|下发|出台|施行|实施)(?:之日)?(?:起|后)[，,]?",
             r"(?P<n>\d{1,3}|[一二两三四五六七八九十百]{1,3})",
             r"(?P<u>个工作日|工作日|日|天|周|个月|月|年)(?:内|之内|以内)"),
        rule("year_end", "by", 1, ("底", "末"), rf"(?:(?P<y>{_Y}){_SP}年{_SP}(?:底|末)|年底|年末){_BEFORE}"),
        rule("year_end", "by", 1, ("底", "末"), rf"(?:到|至|于|在)(?:年底|年末)|(?<![每当])(?:年底|年末)(?={verb})"),
        # '年底通过创新型城市建设验收': the year's end opening a clause whose verb closes the task
        rule("year_end", "by", 1, ("底", "末"), rf"(?:^|(?<=[，。；：,;:]))(?:今年)?(?:年底|年末)(?={completes})"),
        # '2017年底，全市河道劣V类水质实现全消灭': a year's end heading a clause that closes a task
        rule("year_end", "by", 1, ("底", "末"), rf"(?:^|(?<=[，。；：,;:]))(?P<y>{_Y}){_SP}年(?:底|末)",
             rf"(?=[，,][^，。；;]{{0,30}}?(?:{_alt(words['completion'])}))"),
        # '今年秋季投入使用', '2023年春季开工': a season with its completion verb, read as its quarter
        rule("season", "by", 3, ("季",), rf"(?:今年|(?P<y>{_Y})年)?(?P<s>春|夏|秋|冬)季(?={verb})"),
        # ('至2021年4月30日' is a day of that year, not its end)
        rule("by_year", "by", 1, year, rf"{by}(?P<y>{_Y}){_SP}年(?:底|末)?{_BEFORE}?",
             r"(?![的前]?(?:基础|水平|数据|标准|价格|同期|以来|起))",
             rf"(?!{_SP}(?:1[0-2]|0?[1-9]|[一二三四五六七八九十]{{1,2}}){_SP}月)"),
        rule("by_year", "by", 1, year, rf"(?P<y>{_Y}){_SP}年(?:底|末)?{_BEFORE}"),
        rule("half", "by", 2, ("半年",), rf"{_YEAR_OPT}(?P<h>上半年|下半年){after_period}"),
        rule("half", "by", 2, ("半年",), rf"{limit_word}(?:(?P<y>{_Y})年)?(?P<h>上半年|下半年)"),
        rule("quarter", "by", 3, quarter, rf"{_YEAR_OPT}第?(?P<q>[一二三四1-4])季度(?:(?:末|底){_BEFORE}?|{_BEFORE})"),
        rule("quarter", "by", 3, quarter, rf"(?<![每])(?:(?P<y>{_Y})年)?第?(?P<q>[一二三四1-4])季度{after_quarter}"),
        rule("quarter", "by", 3, quarter, rf"{limit_word}(?:(?P<y>{_Y})年)?第?(?P<q>[一二三四1-4])季度"),
        # A period that starts with the plan: a count of years, then how it is framed, 'N年内',
        # '用N年（左右）（的）时间', '经过/通过N年（左右）（的）（不懈）努力': '5年内…', '力争用3年左右时间',
        # '经过三年左右的努力', '2012年起5年内'; not '毕业一年内', '近三年内',
        # '3年内不得再次申请'
        rule("within_years", "within_years", 1, year,
             rf"(?:(?:自|从)?(?P<y>{_Y})年(?:起|开始)[，,]?(?:用|力争|争取|经过|通过)?",
             r"|(?:^|(?<=[，。；：,;:])|(?<=力争)|(?<=争取)|(?<=确保)|(?<=计划)|(?<=用)|(?<=在)|(?<=今后)",
             r"|(?<=未来)|(?<=经过)|(?<=通过)))",
             rf"{years}(?:左右)?{years_frame}",
             r"(?!(?:不得|不再|不予|未|无|均|连续|累计获得))"),
        # '未来5年全市投入不少于50亿元': the next N years, with no frame word
        rule("within_years", "within_years", 1, year,
             rf"(?:^|(?<=[，。；：,;:]))未来{years}(?:内|间)?(?={delivers})(?=[^，。；;,：:]{{0,30}}?\d)",
             r"(?!(?:的|来|以来|前|后|工作|发展|是))"),
        # '每季度末月20日前报送', '每季度最后一个月的30日前': a quarterly limit, first met in the plan
        # year's first quarter
        rule("quarterly", "recurring", 3, ("每季度",),
             rf"每季度(?:末月|最后一个?月的?|末)(?:{_SP}(?P<d>[1-3]?\d){_SP}日)?{_BEFORE}"),
        # '年内培育50家…', '年内获批' (an adverb: a limit, but not '年内到期的', '近2年内', '三年内');
        # '今年完成…改造' needs a completion verb ('今年是…', '今年以来' are no limits)
        rule("this_year", "this_year", 1, ("年内",), r"(?<![\d一二两三四五六七八九十百几数多近当每 \u3000])年内",
             r"(?![的]|到期|[，。；]|$)"),
        rule("this_year", "this_year", 1, ("今年",), rf"今年(?:内|底前|年底前)?(?={verb})"),
        # '2023年内建成', '本年度完成': the year's end, with the completion verb ('2023年内到期的' is none)
        rule("by_year", "by", 1, ("年",), rf"(?P<y>{_Y}){_SP}年(?:度)?内(?![的]|到期)(?={verb}|{delivers})"),
        rule("this_year", "this_year", 1, ("本年",), rf"本年(?:度)?(?:内)?(?={verb})"),
        # '到“十四五”末', '“十四五”期间完成…' in a task (not in a heading); '“十四五”时期是…' describes
        # the period
        rule("plan_period", "plan_period", 1, ("五",), rf"(?:到|至|在|于)?{fyp}(?:末期|期末|末)(?!的)"),
        rule("plan_period", "plan_period", 1, ("五",), rf"{fyp}期间(?=[，,]?{completes})"),
        rule("year_goal", "by", 1, year, rf"(?:^|(?<=[，。；：,;:]))(?P<y>{_Y})年[，,]?",
             r"(?=初步|基本|全面|实现|建成|完成|达到|力争|确保|要|将|争取)"),
        # '2020年，全市用水总量控制在3.8亿立方米以内' in a 2017 plan: a later year heading a clause that
        # sets a figure is the goal's year, as '到2020年' is (the plan year itself heads reports and
        # tasks alike, `year_head`)
        rule("later_year", "by", 1, year, rf"(?:^|(?<=[，。；：,;:]))(?P<y>{_Y}){_SP}年[，,]",
             rf"(?=[^，。；;,：:]{{0,30}}?(?:{_alt(_GOAL_VERBS)})[^，。；;,：:]{{0,12}}?\d)"),
        # '高新技术企业2024年突破3.5万家、2025年突破3.8万家': a year (the plan's or later) right before
        # the verb that sets a figure stages the goal
        rule("staged_year", "by", 1, year, rf"(?<![\d至到—\-~])(?P<y>{_Y}){_SP}年(?!底|末|度|[，,])",
             rf"(?=(?:{_alt(_STAGE_VERBS)})[^，。；;,：:、]{{0,10}}?\d)"),
        # '任务目标：2024年计划改造完成…': the year of a plan with a completion verb in its clause
        rule("year_goal", "by", 1, year, rf"(?:^|(?<=[，。；：,;:]))(?P<y>{_Y})年(?:度)?计划(?={completes})"),
        # '今年，…' or the plan year itself ('2024年，…' in a 2024 plan) heading a sentence, read like
        # '今年完成…': a limit when one of its clauses opens with a completion verb ('2024年，抓好重大
        # 项目120个左右，完成投资800亿元以上'); not '2024年，是…', not a target paragraph
        # ('今年，全市地区生产总值增长6%左右'), not past a colon; another year is no plan year
        rule("year_head", "this_year", 1, year, rf"(?:^|(?<=[，。；：,;:]))(?:今年|(?P<y>{_Y}){_SP}年)",
             rf"(?={_SP}[，,](?!是|为)(?:[^，。；;,：:！？!?]*[，,])*?{verb})"),
        # '2022年，全市新建5G基站2600个以上': a year heading a clause that delivers a figure; not a level
        # it holds for the year ('2008年，粮食种植面积稳定在1000万亩': a period, no limit)
        rule("year_head", "this_year", 1, year, rf"(?:^|(?<=[，。；：,;:]))(?P<y>{_Y}){_SP}年",
             rf"(?={_SP}[，,](?!是|为)(?![^，。；;,：:]{{0,14}}?(?:稳定|保持|控制在|维持))",
             rf"[^，。；;,：:]{{0,6}}?(?:{_alt(_action_verbs())})[^，。；;,：:]{{0,20}}?\d)"),
    ]


# Verbs that set a figure for a goal year ('2020年，用水总量控制在…以内', '2025年，覆盖率达到90%')
_GOAL_VERBS = ("达到", "控制在", "超过", "突破", "提高到", "提升到", "增长", "下降", "降低", "不低于", "不少于",
               "不超过", "稳定在", "保持在", "增加到", "减少到", "降至", "降到", "提高至", "达")


# Verbs a staged goal names right after its year ('2025年突破3.8万家', '2024年达到60%')
_STAGE_VERBS = ("突破", "达到", "超过", "力争达到", "力争突破", "争取达到", "提高到", "提升到", "降至", "降到")


# Verbs that report how a figure moved ('一季度地区生产总值增长5%'): after a quarter, no limit
_CHANGE_VERBS = frozenset("新增 增长 下降 降低 减少 压减 提高到 提高 提升到 提升 达到 达 超过 突破 稳定在 控制在 "
                          "保持在 保持 增加 扩大 拉动 撬动 吸引 惠及 覆盖 带动".split())


def _action_verbs() -> list[str]:
    text = resources.files("pipeline.resources").joinpath("action_verbs.txt").read_text("utf-8")
    return [w for w in (ln.split("#", 1)[0].strip() for ln in text.splitlines()) if w]


_NOT_DEADLINE = re.compile(r"(按期|长期|持续|逐年|历年|往年|近年|每年)")
# A validity period or a start of application: '有效期至2025年底', '执行至2025年'
_VALIDITY = re.compile(r"(?:有效期|执行期|试行期|施行期|实施期|期限)(?:为|是|限)?$|(?:执行|施行|实行|试行|实施|有效|延续|延长)$")
_RECURRING = re.compile(r"每年?(?:的)?$")
_START_YEAR = re.compile(rf"(?:自|从|于)?(?P<y>{_Y})年(?:起|开始)")
# Every pattern above needs one of these characters: most sentences have none of them.
_ANY_PATTERN = re.compile(r"[年月季五一前内日天节旦]")
_BOOK_TITLE = re.compile(r"《[^《》]*》")


@lru_cache(maxsize=1)
def _parse_time():
    with contextlib.redirect_stdout(io.StringIO()):  # jionlp prints a banner on import
        import jionlp
    return jionlp.parse_time


def _end_of_month(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}-{calendar.monthrange(year, month)[1]:02d}"


def _jionlp_day(expr: str, year: int) -> Optional[dt.date]:
    """The first day jionlp reads in ``expr`` (a holiday name), in the given year."""
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            result = _parse_time()(expr, time_base={"year": year, "month": 1, "day": 1})
    except Exception:  # jionlp raises ValueError and others on what it cannot read
        return None
    times = result.get("time") if isinstance(result, dict) else None
    if not times or not isinstance(times, list):
        return None
    try:
        return dt.date.fromisoformat(str(times[0])[:10])
    except ValueError:
        return None


def _month_date(g: dict, year: int) -> Optional[str]:
    month = cn_int(g["m"])
    if month is None or not 1 <= month <= 12:
        return None
    last = calendar.monthrange(year, month)[1]
    if g.get("d"):
        day = int(g["d"])
        return f"{year:04d}-{month:02d}-{day:02d}" if 1 <= day <= last else None
    xun = g.get("x")
    if xun in ("上旬", "中旬"):
        return f"{year:04d}-{month:02d}-{10 if xun == '上旬' else 20:02d}"
    return _end_of_month(year, month)


def _holiday_eve(name: str, year: int) -> Optional[str]:
    """The day before the holiday's next occurrence once the plan year has begun ('元旦前' in a
    2023 plan is 2023-12-31; '春节前' is the eve of the 2023 spring festival)."""
    day = _jionlp_day(name, year)
    if day is not None and day <= dt.date(year, 1, 1):
        day = _jionlp_day(name, year + 1)
    return (day - dt.timedelta(days=1)).isoformat() if day else None


def _add_period(start: dt.date, n: int, unit: str) -> dt.date:
    if unit in ("日", "天"):
        return start + dt.timedelta(days=n)
    if unit == "周":
        return start + dt.timedelta(weeks=n)
    if "工作日" in unit:  # weekdays only (no holiday calendar)
        day = start
        while n > 0:
            day += dt.timedelta(days=1)
            n -= day.weekday() < 5
        return day
    months = n * 12 if unit == "年" else n
    y, m = divmod(start.month - 1 + months, 12)
    y, m = start.year + y, m + 1
    return dt.date(y, m, min(start.day, calendar.monthrange(y, m)[1]))


def resolve(name: str, m: re.Match, plan_year: int, issued: Optional[dt.date] = None) -> Optional[str]:
    """The ISO end date of a matched deadline expression (None if it cannot be resolved)."""
    g = m.groupdict()
    year = int(g["y"]) if g.get("y") else plan_year
    if name == "plan_period":
        return f"{1955 + 5 * (10 + cn_int(g['fyp'])):04d}-12-31"
    if name == "month":
        return _month_date(g, year)
    if name == "stage":
        return _month_date(g, int(g["y"]) if g.get("y") else int(g["y0"]) if g.get("y0") else plan_year)
    if name == "staged_year":
        return f"{year:04d}-12-31" if year >= plan_year else None
    if name == "later_year":
        return f"{year:04d}-12-31" if year > plan_year else None
    if name == "year_head":
        return f"{plan_year:04d}-12-31" if not g.get("y") or int(g["y"]) == plan_year else None
    if name in ("by_year", "year_end", "year_goal", "this_year"):
        return f"{year:04d}-12-31"
    if name == "half":
        return f"{year:04d}-06-30" if g["h"] == "上半年" else f"{year:04d}-12-31"
    if name == "quarter":
        q = cn_int(g["q"])
        return _end_of_month(year, 3 * q) if q and 1 <= q <= 4 else None
    if name == "season":
        return _end_of_month(year, 3 * "春夏秋冬".index(g["s"]) + 3)
    if name == "quarterly":
        day = int(g["d"]) if g.get("d") else 31
        return f"{year:04d}-03-{min(day, 31):02d}"
    if name == "within_years":
        n = cn_int(g["n"])
        return f"{year + n - 1:04d}-12-31" if n and n <= 30 else None
    if name == "holiday":
        return _holiday_eve(g["hol"], year)
    if name == "relative":
        n = cn_int(g["n"])
        if issued is None or not n:
            return None
        return _add_period(issued, n, g["u"]).isoformat()
    return None


_SUB_YEAR = {"month", "stage", "half", "quarter", "season", "year_end"}
_NEXT_YEAR = ("明年", "次年", "翌年", "下一年", "下年")


def _candidates(text: str, plan_year: int, issued: Optional[dt.date], heading: bool) -> list[tuple]:
    """(rank, length, start, end, date, kind) of every acceptable match of every rule."""
    titles = [(t.start(), t.end()) for t in _BOOK_TITLE.finditer(text)]
    out = []
    for rule in _rules():
        if heading and rule.kind == "plan_period":
            continue  # '“十四五”时期主要目标' as a heading names the plan, it sets no limit
        if rule.needs and not any(n in text for n in rule.needs):
            continue
        for m in rule.pattern.finditer(text):
            start, end = m.start(), m.end()
            if start == end or any(a <= start < b for a, b in titles):
                continue
            before = text[max(0, start - 6):start]
            if _VALIDITY.search(before):
                continue
            kind, year = rule.kind, plan_year
            if _RECURRING.search(before):
                if rule.name not in _SUB_YEAR or m.groupdict().get("y"):
                    continue
                # '自2020年起，每年6月底前': the first occurrence; without a start year, the plan year's
                starts = [s for s in _START_YEAR.finditer(text, 0, start)]
                if starts:
                    year = int(starts[-1].group("y"))
                kind = "recurring"
            elif _NOT_DEADLINE.search(text[max(0, start - 2):end]):
                continue
            if rule.name in _SUB_YEAR and not m.groupdict().get("y") and before.endswith(_NEXT_YEAR):
                year = plan_year + 1  # '次年3月底前', '明年6月底前': the year after the plan's
            date = resolve(rule.name, m, year, issued)
            if date is None and rule.name != "relative":
                continue
            if date is not None and kind not in ("relative", "recurring") and int(date[:4]) < plan_year:
                continue  # a limit before the plan year is a past date ('截至2020年底'), not a deadline
            out.append((rule.rank, end - start, start, end, date, kind))
    return out


def find_deadlines(text: str, plan_year: Optional[int], issued: Optional[dt.date] = None,
                   heading: bool = False) -> list[Deadline]:
    """Every deadline expression of a sentence, in text order, resolved against the plan year.
    Of overlapping candidates the most specific (then the longest) wins."""
    if plan_year is None or not _ANY_PATTERN.search(text):
        return []
    chosen: list[tuple] = []
    candidates = _candidates(text, plan_year, issued, heading)
    for cand in sorted(candidates, key=lambda c: (-c[0], -c[1], c[2])):
        if all(cand[3] <= c[2] or cand[2] >= c[3] for c in chosen):
            chosen.append(cand)
    chosen.sort(key=lambda c: c[2])
    return [Deadline(raw=text[s:e], date=date, start=s, end=e, kind=kind)
            for _, _, s, e, date, kind in chosen]


def find_deadline(text: str, plan_year: Optional[int]) -> Optional[Deadline]:
    """The first deadline of a sentence (kept for callers that want one)."""
    found = find_deadlines(text, plan_year)
    return found[0] if found else None


_ISSUE_LABEL = re.compile(rf"(?:成文日期|发文日期|印发日期|发布日期)\s*[:：]?\s*(?P<y>{_Y})\s*[年\-/.]\s*(?P<m>\d{{1,2}})"
                          rf"\s*[月\-/.]\s*(?P<d>\d{{1,2}})")
_DATE_LINE = re.compile(rf"^\s*(?:——)?(?:[\u4e00-\u9fff]{{2,30}}?)?(?P<y>{_Y})\s*年\s*(?P<m>\d{{1,2}})\s*月"
                        rf"\s*(?P<d>\d{{1,2}})\s*日\s*(?:印发|发布)?\s*$")


def issue_date(text: str) -> Optional[dt.date]:
    """The date the document prints as its own: a labelled 成文日期/印发日期, else a line that is
    only a date (the signature '2018年12月21日', 'XX办公厅2019年3月15日印发') near the end or
    the start."""
    m = _ISSUE_LABEL.search(text[:3000])
    if m is None:
        lines = text.split("\n")
        for line in lines[-15:][::-1] + lines[:30]:
            m = _DATE_LINE.match(line)
            if m:
                break
    if m is None:
        return None
    try:
        return dt.date(int(m.group("y")), int(m.group("m")), int(m.group("d")))
    except ValueError:
        return None


# a field that states a task's limit, and its value up to the next field or clause
_LABELLED = re.compile("(?:" + "|".join(sorted(_LIMIT_WORDS + ("时间要求", "完成日期", "截止时间", "截止日期", "推进时限",
                                                               "实施时限"), key=len, reverse=True))
                       + r")\s*[:：]\s*(?P<v>[^；;，,。）)\n|｜:：]{1,24})")
_LABEL_PARTS = re.compile(r"[、和及]")


def _labelled_limits(text: str, offset: int, found: list[Deadline], find, plan_year: Optional[int]) -> list[Deadline]:
    """The limits a time-limit label states (`完成时限：2023年第二季度`, `时间节点：2023.10`,
    `完成时限：2023年6月、12月`) that the patterns of running text did not read: the label types
    its value as a time, as a deadline column does."""
    if plan_year is None or "：" not in text and ":" not in text:
        return []
    out: list[Deadline] = []
    for m in _LABELLED.finditer(text):
        pos = m.start("v")
        for part in _LABEL_PARTS.split(m.group("v")):
            a, b = offset + pos, offset + pos + len(part)
            pos += len(part) + 1
            value = part.strip()
            if not value or any(d.start < b and a < d.end for d in found + out):
                continue
            out += limit_value(value, a + part.index(value[0]), plan_year, find)
    return out


@register("deadlines")
def extract_deadlines(doc: Document) -> Document:
    issued: Optional[dt.date] = None
    issued_known = False
    heading_starts = {s.start for s in doc.sections}
    table = deadline_table(doc)
    starts = frozenset(c.start for c in doc.commitments) if table is not None else frozenset()
    rows = grid_rows(doc.text)
    for c in doc.commitments:
        if c.status != "planned":
            continue
        if not issued_known and ("印发" in c.text or "发布" in c.text or "施行" in c.text
                                 or "实施" in c.text or "公布" in c.text or "出台" in c.text):
            issued, issued_known = issue_date(doc.text), True
        found = find_deadlines(c.text, doc.year, issued, heading=c.start in heading_starts)
        for d in found:
            d.start += c.start
            d.end += c.start
        found += _labelled_limits(c.text, c.start, found, lambda t: find_deadlines(t, doc.year, issued), doc.year)
        if not found and table is not None:
            found = cell_deadlines(doc, c, table, starts, lambda t: find_deadlines(t, doc.year, issued))
        if rows and c.start in rows:  # a task table read as a grid: its deadline column
            grid, row = rows[c.start]
            cells = grid_deadlines(grid, row, doc.year, lambda t: find_deadlines(t, doc.year, issued))
            # (a progress cell reports what was done by when: '一季度实施…项目68个')
            progress = [cell for cell, _col in grid.cells_of(row, "progress")]
            found = [d for d in found if all(not (x.start <= d.start < x.end) for x in cells)
                     and all(not (p.start <= d.start < p.end) for p in progress)] + cells
        c.deadlines = found
    _heading_limits(doc, heading_starts)
    return doc


def _is_limit_title(title: str, year: int) -> bool:
    """A heading that is a time limit and nothing else ('（一）2023年4月底前', '二、上半年'): the
    schedule of a plan, its tasks under it."""
    title = title.strip(" ：:。")
    found = find_deadlines(title, year, None, heading=True)
    return len(found) == 1 and len(found[0].raw) >= len(title) - 1


def _heading_limits(doc: Document, heading_starts: set[int]) -> None:
    """The period a stage heading states ('（一）动员部署阶段（2015年6月~7月）'), or a heading that is
    a limit by itself ('（一）2023年4月底前'): the limit of its tasks that state none."""
    if doc.year is None:
        return
    own = {c.start: c for c in doc.commitments}
    for sec in doc.sections:
        if "阶段" not in sec.title and not _is_limit_title(sec.title, doc.year):
            continue  # (a part's '用三年时间…' is the part's own aim, not each task's limit)
        if sec.start in own:  # the heading is a task itself ('（一）动员部署阶段（…）'): its limits
            found = own[sec.start].deadlines if sec.kind in _PART_KINDS else []
        else:
            line_end = doc.text.find("\n", sec.start)
            line = doc.text[sec.start:line_end if line_end >= 0 else len(doc.text)]
            found = [Deadline(d.raw, d.date, sec.start + d.start, sec.start + d.end, d.kind)
                     for d in find_deadlines(line, doc.year, None, heading=True)]
        if not found:
            continue
        for c in doc.commitments:
            if c.section_id == sec.section_id and c.status == "planned" and not c.deadlines:
                c.deadlines = [Deadline(d.raw, d.date, d.start, d.end, d.kind) for d in found]


# the part headings whose limit is their tasks' ('（一）动员部署阶段（…）'); an item's own limit
# ('1.…6月底前完成') is the item's
_PART_KINDS = {"cn", "cn_paren", "chapter_章", "chapter_节", "chapter_部分", "md1", "md2", "md3"}

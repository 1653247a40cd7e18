"""工种: SiteRoll's trade names, each mapped to the national platform's 工种 code.

The platform's own list (code + name) is data in services/platform_push/dictionaries/work_type.json
(source: ibisTime/xn-gchf). A worker and a team pick a name here or a platform code; the names
SiteRoll shows that the platform spells otherwise (电工 → 130 建筑电工, 焊工 → 270 电焊工) map to
its code; ``None`` marks a name the platform's list has no trade for: such a worker is reported as
incomplete for the platform (pick the nearest listed trade) and works in SiteRoll as before.
"""

from __future__ import annotations

from services.platform_push.dictionaries import load

# (category, ((SiteRoll name, platform code | None), ...))
TRADE_GROUPS_CODED: tuple[tuple[str, tuple[tuple[str, str | None], ...]], ...] = (
    ("土建施工", (
        ("砌筑工", "010"), ("钢筋工", "020"), ("架子工", "030"), ("混凝土工", "040"), ("模板工", "050"),
        ("木工", "240"), ("抹灰工", "190"), ("石工", "250"), ("防水工", "230"), ("测量放线工", "300"),
        ("爆破工", "280"), ("凿岩工", None), ("打桩工", "160"), ("筑路工", None), ("沥青工", None),
        ("试验工", None), ("金属工", "380"),
    )),
    ("装饰装修", (
        ("油漆工", "190"), ("装饰装修工", "190"), ("镶贴工", "190"), ("涂裱工", "190"), ("幕墙安装工", "210"),
        ("门窗安装工", "210"), ("建筑门窗幕墙安装工", "210"), ("幕墙制作工", "220"), ("室内成套设施安装工", "200"),
        ("古建筑传统木工", "350"), ("古建筑传统瓦工", "330"), ("古建筑传统石工", "320"), ("古建筑传统油漆工", "360"), ("古建筑传统油工", "360"),
        ("古建筑传统彩画工", "340"),
    )),
    ("安装", (
        ("电工", "130"), ("建筑电工", "130"), ("焊工", "270"), ("电焊工", "270"), ("管道工", "110"),
        ("通风工", "070"), ("安装钳工", "090"), ("安装起重工", "080"), ("电气设备安装调试工", "100"),
        ("机械设备安装工", "060"), ("变电安装工", "120"), ("智能楼宇管理员", None), ("线路架设工", "310"),
    )),
    ("机械与特种作业", (
        ("起重信号工", "170"), ("司索工", "170"), ("建筑起重机械司机", None), ("建筑起重机械安装拆卸工", "180"),
        ("施工升降机司机", None), ("挖掘机司机", "150"), ("挖掘铲运和桩工机械司机", "150"), ("桩机操作工", "160"),
        ("混凝土泵工", "140"), ("司泵工", "140"), ("高处作业吊篮安装拆卸工", "180"), ("场内机动车驾驶员", None),
    )),
    ("其他", (("普工", None), ("保温工", None), ("除尘工", "290"), ("中小型机械操作工", None), ("管理人员", "900"),
              ("其他", None))),
)

TRADE_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = tuple(
    (category, tuple(name for name, _ in items)) for category, items in TRADE_GROUPS_CODED)
TRADES: tuple[str, ...] = tuple(name for _, names in TRADE_GROUPS for name in names)
TRADE_SET = frozenset(TRADES)
PLATFORM_CODE: dict[str, str | None] = {name: code for _, items in TRADE_GROUPS_CODED for name, code in items}


def platform_code(trade: str | None) -> str | None:
    """The platform's 工种 code for a SiteRoll trade name (or a code given as such)."""
    if trade in load("work_type").codes:
        return trade
    return PLATFORM_CODE.get(trade or "")


def canonical(trade: str) -> str | None:
    """A trade as the profile / team stores it: a known name, or the platform name of a code."""
    if trade in TRADE_SET:
        return trade
    name = load("work_type").name_of(trade)
    return name if name in TRADE_SET else None

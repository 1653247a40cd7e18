"""工种: the trade list of the national construction-worker platform (全国建筑工人管理服务信息平台),
kept as data. A worker picks one name from it; teams name theirs from the same list."""

from __future__ import annotations

# (category, trade names)
TRADE_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("土建施工", (
        "砌筑工", "钢筋工", "架子工", "混凝土工", "模板工", "木工", "抹灰工", "石工", "防水工",
        "测量放线工", "爆破工", "凿岩工", "打桩工", "筑路工", "沥青工", "试验工",
    )),
    ("装饰装修", (
        "油漆工", "装饰装修工", "镶贴工", "涂裱工", "幕墙安装工", "门窗安装工", "室内成套设施安装工",
        "古建筑传统木工", "古建筑传统瓦工", "古建筑传统石工", "古建筑传统油漆工", "古建筑传统彩画工",
    )),
    ("安装", (
        "电工", "焊工", "管道工", "通风工", "安装钳工", "安装起重工", "电气设备安装调试工",
        "机械设备安装工", "智能楼宇管理员", "线路架设工",
    )),
    ("机械与特种作业", (
        "起重信号工", "司索工", "建筑起重机械司机", "建筑起重机械安装拆卸工", "施工升降机司机",
        "挖掘机司机", "桩机操作工", "混凝土泵工", "司泵工", "高处作业吊篮安装拆卸工", "场内机动车驾驶员",
    )),
    ("其他", ("普工", "保温工", "中小型机械操作工", "其他")),
)

TRADES: tuple[str, ...] = tuple(name for _, names in TRADE_GROUPS for name in names)
TRADE_SET = frozenset(TRADES)

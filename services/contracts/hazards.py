"""The occupational hazards a contract discloses for a trade (《职业病防治法》第三十三条: the employer
"应当将工作过程中可能产生的职业病危害及其后果、职业病防护措施和待遇等如实告知劳动者，并在劳动合同中写明").
By the trade's group in services/enrollment/trades.py, with the trades whose hazards differ from their group's."""

from __future__ import annotations

from services.enrollment.trades import TRADE_GROUPS

BY_GROUP = {
    "土建施工": "高处坠落、物体打击、机械伤害、粉尘（水泥尘、矽尘）、噪声、高温",
    "装饰装修": "高处坠落、有机溶剂（苯、甲苯、二甲苯）及甲醛、粉尘、噪声",
    "安装": "触电、高处坠落、电焊烟尘、弧光辐射、噪声",
    "机械与特种作业": "起重伤害、机械伤害、高处坠落、噪声、全身振动",
    "其他": "高处坠落、物体打击、机械伤害、粉尘、噪声、高温",
}
BY_TRADE = {
    "焊工": "电焊烟尘、锰及其化合物、弧光（紫外线）辐射、一氧化碳、触电、灼烫",
    "电工": "触电、电弧灼伤、高处坠落",
    "爆破工": "爆炸伤害、炮烟（一氧化碳、氮氧化物）、粉尘、噪声",
    "凿岩工": "矽尘、噪声、手传振动",
    "防水工": "沥青烟、有机溶剂、灼烫、高处坠落",
    "沥青工": "沥青烟、高温、灼烫",
    "油漆工": "苯、甲苯、二甲苯等有机溶剂，铅，高处坠落",
    "架子工": "高处坠落、物体打击",
}
_GROUP_OF = {name: group for group, names in TRADE_GROUPS for name in names}


def hazards_of(trade: str) -> str:
    hazards = BY_TRADE.get(trade) or BY_GROUP.get(_GROUP_OF.get(trade, "其他"), BY_GROUP["其他"])
    return f"{trade}岗位存在{hazards}等危害，甲方采取相应防护措施并组织职业健康检查。"

"""The built-in texts: the labour contract after 《建筑工人简易劳动合同（示范文本）》 (住房和城乡建设部办公厅
人力资源社会保障部办公厅 建办市〔2022〕58号), the 用工书面协议 for workers no labour relation can be
formed with, and the supplementary agreement (变更协议). A project's own template replaces the labour
contract text once the labour manager edits it; every template is checked by
``services.contracts.templates.validate_template`` (clauses below, placeholders).

Which part follows which rule:
- 《劳动合同法》第十六条 "劳动合同由用人单位与劳动者协商一致，并经用人单位与劳动者在劳动合同文本上签字或者盖章生效。"
  → the closing clause and the two-party signing (services/contracts/parties.py).
- 第十七条 "劳动合同应当具备以下条款：（一）用人单位的名称、住所和法定代表人或者主要负责人；（二）劳动者的
  姓名、住址和居民身份证或者其他有效身份证件号码；（三）劳动合同期限；（四）工作内容和工作地点；（五）工作时间和
  休息休假；（六）劳动报酬；（七）社会保险；（八）劳动保护、劳动条件和职业危害防护；（九）法律、法规规定应当纳入
  劳动合同的其他事项。"
  → the parties block (（一）（二）; laid out as the model's header: 用人单位名称, 统一社会信用代码, 法定代表人或负责人,
  电话, 住所; 劳动者姓名, 性别, 身份证号码, 电话, 联系地址; 紧急联系人 姓名, 电话, 联系地址, 与劳动者关系), then
  clauses 一 to 六 for （三）–（八） in the model's order, and 七 (解除终止与工资结清) and 八 (争议处理) for （九）.
- 《保障农民工工资支付条例》第十二条 (wages in money, in full), 第二十八条 (the employer pays the worker's own account,
  "不得扣押或者变相扣押用于支付工资的银行卡"), 第三十一条 (总包代发 from the 工资专用账户) → clause 四.
- The model's term choice: 以完成一定工作任务为期限 is its first option (第十五条 of the law), 固定期限, 无固定期限.
- 《劳动法》第三十六条/第三十九条 and 《关于企业实行不定时工作制和综合计算工时工作制的审批办法》: a 综合计算 or
  不定时 system needs the labour bureau's approval, whose number the contract names → clause 三.
- 建市〔2022〕59号 (the real-name rules as revised) 第八条 "建筑企业应与招用的建筑工人依法签订劳动合同，对不符合
  建立劳动关系情形的，应依法订立用工书面协议" → SERVICE_BODY.
- 《劳动合同法》第三十五条 "变更劳动合同，应当采用书面形式" → AMENDMENT_BODY.
Only the header of the 2022 model could be read through the search tool (focustax.cn's copy of 建办市〔2022〕58号);
the clause wording below is ours, following the law's text quoted above.
"""

from __future__ import annotations

TITLE = "建筑工人简易劳动合同"
SERVICE_TITLE = "建筑工人用工书面协议（劳务协议）"
AMENDMENT_TITLE = "劳动合同变更协议"

# (heading, the rule it follows), in the model's order: a labour-contract template must have each, in this order
LABOUR_CLAUSES: tuple[tuple[str, str], ...] = (
    ("合同期限", "劳动合同法第十七条（三）"),
    ("工作内容和工作地点", "劳动合同法第十七条（四）"),
    ("工作时间和休息休假", "劳动合同法第十七条（五）"),
    ("劳动报酬", "劳动合同法第十七条（六）"),
    ("社会保险", "劳动合同法第十七条（七）"),
    ("劳动保护、劳动条件和职业危害防护", "劳动合同法第十七条（八）"),
    ("劳动合同的解除和终止", "劳动合同法第十七条（九）、保障农民工工资支付条例第十四条"),
    ("劳动争议处理", "劳动合同法第十七条（九）、劳动争议调解仲裁法"),
)
SERVICE_CLAUSES: tuple[tuple[str, str], ...] = (
    ("协议期限", "民法典第四百六十九条"),
    ("工作内容和工作地点", "建市〔2022〕59号第八条"),
    ("劳务报酬", "保障农民工工资支付条例第十二条、第二十八条"),
    ("意外伤害保险", "建筑法第四十八条"),
    ("安全防护和职业危害告知", "安全生产法第四十四条"),
    ("协议的解除和终止", "民法典"),
    ("争议处理", "民法典"),
)

PARTIES = """甲方（用人单位）：{employer_name}
统一社会信用代码：{employer_uscc}
法定代表人或主要负责人：{employer_legal_representative}
住所：{employer_address}
联系电话：{employer_phone}

乙方（建筑工人）：{worker_name}
性别：{worker_sex}
居民身份证号码：{id_number}
户籍地址/现住址：{worker_address}
联系电话：{phone}
紧急联系人：{emergency_name}（与乙方关系：{emergency_relationship}），电话：{emergency_phone}，联系地址：{emergency_address}
"""

WAGE_CARD = """工资由施工总承包单位通过本项目农民工工资专用账户（开户行：{wage_account_bank}）按月足额直接代发至乙方本人银行卡（{wage_card}）。甲方及任何单位、个人不得扣押或者变相扣押乙方用于领取工资的银行卡（社会保障卡），不得以实物或者有价证券等形式替代货币支付，不得克扣或者无故拖欠。"""

BODY = PARTIES + """
根据《中华人民共和国劳动法》《中华人民共和国劳动合同法》《中华人民共和国建筑法》《中华人民共和国劳动合同法实施条例》《保障农民工工资支付条例》等法律法规，甲乙双方遵循合法、公平、平等自愿、协商一致、诚实信用的原则，签订本合同。

一、合同期限
{term}

二、工作内容和工作地点
乙方在{project_name}（工作地点：{project_address}）从事{trade}工作，所在班组：{team_name}。乙方应遵守甲方依法制定的规章制度和安全操作规程，按要求完成工作任务。

三、工作时间和休息休假
{hours}
甲方安排乙方延长工作时间的，应依法支付加班工资或安排补休。乙方依法享有法定节假日、带薪年休假等休息休假权利，甲方保证乙方每周至少休息一日。

四、劳动报酬
1．计酬方式：{wage_type_label}，标准为{wage_amount}。
2．甲方按月支付乙方工资，于每月{pay_day}日前足额支付上月工资；遇法定节假日或休息日的，应提前在最近的工作日支付。
3．""" + WAGE_CARD + """
4．甲方按月向乙方提供工资清单，乙方可通过小程序查询本人考勤和工资发放记录。

五、社会保险
甲方依法为乙方办理工伤保险等社会保险，应由乙方缴纳的部分由甲方依法代扣代缴。

六、劳动保护、劳动条件和职业危害防护
1．甲方对乙方进行公司级、项目级、班组级三级安全教育培训，乙方未经培训合格不得上岗作业。
2．甲方为乙方提供符合国家规定的劳动安全卫生条件和必要的劳动防护用品，如实告知乙方岗位的职业危害：{hazards}
3．乙方应严格遵守安全操作规程，有权拒绝违章指挥和强令冒险作业。

七、劳动合同的解除和终止
本合同的解除和终止依照《中华人民共和国劳动合同法》的有关规定执行。工作任务完成、合同解除或者乙方退场时，甲方应与乙方结清工资，并依法支付经济补偿。

八、劳动争议处理
双方因履行本合同发生争议的，可以协商解决；协商不成的，可以向劳动争议调解组织申请调解，也可以向劳动人事争议仲裁委员会申请仲裁；对仲裁裁决不服的，可以依法向人民法院提起诉讼。

九、其他
乙方同意甲方依照《建筑工人实名制管理办法》使用乙方的实名信息办理实名登记、考勤和工资发放。本合同以电子形式订立，经乙方在小程序中阅读全文、手写签名并核验本人身份，且甲方授权签署人签署后生效；双方各执一份（可随时下载）。本合同的变更以双方签署的书面变更协议为准。"""

SERVICE_BODY = PARTIES.replace("甲方（用人单位）", "甲方（用工单位）") + """
乙方{kind_reason_text}，依照《建筑工人实名制管理办法（试行）》（建市〔2022〕59号修订）第八条，双方不建立劳动关系，订立本用工书面协议（劳务协议）。

一、协议期限
{term}

二、工作内容和工作地点
乙方在{project_name}（工作地点：{project_address}）从事{trade}工作，所在班组：{team_name}。

三、劳务报酬
1．计酬方式：{wage_type_label}，标准为{wage_amount}。
2．甲方按月支付劳务报酬，于每月{pay_day}日前足额支付上月报酬。
3．""" + WAGE_CARD + """

四、意外伤害保险
甲方为乙方办理建筑施工人员意外伤害保险（或按项目所在地规定参加工伤保险），保险费由甲方承担，不得向乙方收取。

五、安全防护和职业危害告知
甲方对乙方进行安全教育培训，提供必要的劳动防护用品，并如实告知岗位的职业危害：{hazards}乙方有权拒绝违章指挥和强令冒险作业。

六、协议的解除和终止
任何一方可以提前三日书面通知对方解除本协议；工作完成、协议解除或者乙方退场时，甲方应与乙方结清劳务报酬。

七、争议处理
双方因履行本协议发生争议的，可以协商或者申请调解解决；协商、调解不成的，可以依法向人民法院提起诉讼。

八、其他
本协议以电子形式订立，经乙方手写签名并核验本人身份，且甲方授权签署人签署后生效。"""

AMENDMENT_BODY = """甲方（用人单位）：{employer_name}（统一社会信用代码：{employer_uscc}）
乙方：{worker_name}（居民身份证号码：{id_number}）

依照《中华人民共和国劳动合同法》第三十五条，甲乙双方协商一致，对双方于{original_date}订立的《{original_title}》（合同编号 {contract_id}）作如下变更：
{changes}
本变更协议自{effective_from}起执行。原合同其他条款不变，继续有效；原合同文本及其签署记录保持不变。本协议经乙方手写签名并核验本人身份、甲方授权签署人签署后生效。"""

TERM_TASK = "以完成一定工作任务为期限：自{start}起，至乙方在本项目承担的{trade}工作任务完成时止。"
TERM_FIXED = "固定期限：自{start}起至{end}止。"
TERM_OPEN = "无固定期限：自{start}起。"
HOURS = {
    "standard": "甲方实行标准工时制度，乙方每日工作不超过八小时、平均每周工作不超过四十四小时。",
    "comprehensive": "经人力资源社会保障部门批准（批准文号：{approval_no}），甲方对乙方实行综合计算工时工作制，平均日和平均周工作时间不超过法定标准工作时间。",
    "flexible": "经人力资源社会保障部门批准（批准文号：{approval_no}），甲方对乙方实行不定时工作制。",
}
WAGE_TYPE_LABELS = {"day": "计日工资", "piece": "计件工资", "month": "计月工资"}
WAGE_UNITS = {"day": "元/日", "piece": "元/计件单位（计件标准由双方另行书面约定）", "month": "元/月"}
SEX_NAMES = {"male": "男", "female": "女"}
KIND_REASON_TEXT = {"retirement_age": "已达到法定退休年龄", "pension": "已依法享受基本养老保险待遇"}

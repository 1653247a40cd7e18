"""Error codes of the two-party contracts (issue 26), as data: services/error_codes.py puts them in its
catalogue (same fields as its ErrorCode: code, status, message, when, what to do, retry, area)."""

from __future__ import annotations

CONTRACT_PARTY_CODES: tuple[tuple[str, int, str, str, str, str, str], ...] = (
    ("TEMPLATE_CLAUSES_MISSING", 422, "合同模板缺少必备条款",
      "正文缺少《劳动合同法》第十七条要求的条款标题，或顺序与示范文本不符（details.missing_clauses）",
      "按示范文本顺序补齐 details.missing_clauses 列出的条款", "fix", "contracts"),
    ("TEMPLATE_TERMS_INVALID", 422, "合同期限或工时制度填写不完整",
      "固定期限未填月数（或非固定期限填了月数），或综合计算/不定时工作制未填批准文号（details.field）",
      "按提示补填后再提交", "fix", "contracts"),
    ("EMPLOYER_PARTICULARS_INCOMPLETE", 422, "用人单位信息不完整，暂不能生成合同",
      "甲方企业缺少法定代表人、住所或联系电话（details.missing，details.company_id）",
      "由企业登记人或项目管理员通过 PUT /api/v1/companies/{cid} 补齐后再审核", "fix", "contracts"),
    ("CONTRACT_EMPLOYER_ALREADY_SIGNED", 409, "用人单位已签署该合同", "甲方已签署过该合同或变更协议",
      "刷新合同状态", "never", "contracts"),
    ("COMPANY_SEAL_MISSING", 422, "企业尚未登记电子印章", "use_seal=true 但签署人所代表的企业没有登记电子印章",
      "改用手写签名，或由企业登记人上传印章（PUT /api/v1/companies/{cid}/seal）", "fix", "contracts"),
    ("CONTRACT_NOT_IN_FORCE", 409, "合同尚未生效，不能变更", "只有双方已签署（signed）的合同可以订立变更协议",
      "待双方签署后再变更", "never", "contracts"),
    ("AMENDMENT_NOT_FOUND", 404, "变更协议不存在", "变更协议不存在，或无权查看", "刷新合同详情", "never", "contracts"),
    ("AMENDMENT_PENDING", 409, "该合同已有待签署的变更协议", "上一份变更协议尚未由双方签署完毕",
      "先完成或等待上一份变更协议", "never", "contracts"),
    ("AMENDMENT_NO_CHANGE", 422, "变更协议未改变任何条款", "工资、发薪日和期限都与现行条款相同", "修改后再提交",
      "fix", "contracts"),
)

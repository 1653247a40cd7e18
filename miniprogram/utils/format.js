// Small display helpers shared by the pages: money in fen → 元, Asia/Shanghai business days, role names.

/** @param {number} fen */
function yuan(fen) {
  return (Number(fen || 0) / 100).toFixed(2) + ' 元';
}

/** Today's business day in Asia/Shanghai (UTC+8, no daylight saving), YYYY-MM-DD. */
function today() {
  return new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10);
}

function thisMonth() {
  return today().slice(0, 7);
}

const ROLES = {
  worker: '工人',
  team_leader: '班组长',
  labour_manager: '劳资专管员',
  subcontractor_clerk: '分包劳资员',
  payroll_approver: '工资审批',
  project_admin: '项目管理员',
  supervisor: '监理',
  owner: '建设单位',
  employer_signatory: '用工单位签字人',
};

const MEMBERSHIP_STATUS = { pending: '待审核', active: '在岗', rejected: '已驳回', left: '已退场' };

const CLOCK_STATUS = {
  pending: '核验中…',
  retry: '核验中…',
  accepted: '打卡成功',
  flagged: '已记录，待班组长核实',
  rejected: '打卡未通过',
};

const SLIP_STATUS = {
  to_confirm: '待确认',
  issued: '待确认',
  confirmed: '已签字确认',
  disputed: '有异议',
  released: '已放行',
  held: '暂缓发放',
};

const PAYMENT_STATUS = { unpaid: '未发放', issued: '发放中', paid: '已发放', failed: '发放失败', nothing_due: '无应发' };

const PAYROLL_STATUS = {
  draft: '草稿', confirming: '工人确认中', submitted: '待审批', reviewed: '已审核', rejected: '已退回',
  approved: '已批准', paid: '已发放',
};

const DAY_STATUS = { present: '出勤', half: '半天', absent: '缺勤', missing_out: '缺下班卡' };

const TRAINING_LEVEL = { company: '公司级', project: '项目级', team: '班组级' };

module.exports = {
  yuan, today, thisMonth, ROLES, MEMBERSHIP_STATUS, CLOCK_STATUS, SLIP_STATUS, PAYMENT_STATUS,
  PAYROLL_STATUS, DAY_STATUS, TRAINING_LEVEL,
};

// 工资表 (labour manager / subcontractor clerk): build the month, see blockers, issue slips to the
// workers (issue 25), see their confirmations, release or hold lines with a reason, submit,
// review a subcontractor's payroll, and download the bank file as xlsx (the phone opens xlsx, not CSV).
const api = require('../../utils/api');
const fmt = require('../../utils/format');

function payrollView(/** @type {any} */ p) {
  return {
    id: p.id, month: p.month, status: p.status, statusText: fmt.PAYROLL_STATUS[p.status] || p.status,
    companyId: p.company_id || null, needsReview: !!p.needs_review, gross: fmt.yuan(p.total_gross_fen), net: fmt.yuan(p.total_net_fen),
    deductions: fmt.yuan(p.total_deductions_fen), lineCount: p.line_count,
    rejection: p.rejection_reason || '',
    blockers: (p.blockers || []).map((/** @type {any} */ b) => `${b.name_masked || ''} ${b.message}`.trim()),
  };
}

Page({
  data: {
    projectId: 0,
    month: '',
    /** @type {any} */
    payroll: null,
    /** @type {any[]} */
    lines: [],
    /** @type {any} */
    lineAction: null,
    busy: false,
    error: '',
    notice: '',
  },

  onLoad(query) {
    this.setData({ projectId: Number(query.project_id || 0), month: query.month || fmt.thisMonth() });
    if (query.id) return this.show(Number(query.id));
    return undefined;
  },

  onMonth(e) { this.setData({ month: e.detail.value }); },

  /**
   * The employer whose payroll this person prepares (issue 25): a subcontractor's clerk reaches
   * only that company's teams, so their company is the employer; the general contractor's labour
   * manager prepares the general contractor's own (the server's default, no company_id sent).
   * @returns {Promise<number | null>}
   */
  async employer() {
    const me = await api.get('/api/v1/me', { etag: true });
    const roles = me.memberships.filter((/** @type {any} */ m) => m.project_id === this.data.projectId)
      .map((/** @type {any} */ m) => m.role);
    if (!roles.includes('subcontractor_clerk') || roles.includes('labour_manager')) return null;
    const teams = await api.get(`/api/v1/projects/${this.data.projectId}/teams`, { etag: true });
    const team = teams.items.find((/** @type {any} */ t) => t.company_id);
    return team ? team.company_id : null;
  },

  async run(/** @type {() => Promise<any>} */ work, /** @type {string} */ notice) {
    this.setData({ busy: true, error: '', notice: '' });
    try {
      await work();
      this.setData({ busy: false, notice });
    } catch (err) {
      this.setData({ busy: false, error: api.errorMessage(err) });
    }
  },

  /** Builds (or rebuilds) the month's draft from confirmed attendance. */
  build() {
    return this.run(async () => {
      const companyId = await this.employer();
      const body = companyId ? { month: this.data.month, company_id: companyId } : { month: this.data.month };
      const p = await api.post(`/api/v1/projects/${this.data.projectId}/payrolls`, body);
      await this.show(p.id);
    }, '工资表已生成');
  },

  async show(/** @type {number} */ id) {
    const p = await api.get(`/api/v1/payrolls/${id}?limit=100`, { etag: true });
    this.setData({
      payroll: payrollView(p),
      lines: p.lines.map((/** @type {any} */ l) => ({
        id: l.id, userId: l.user_id, name: l.name_masked, days: l.days, net: fmt.yuan(l.net_fen),
        gross: fmt.yuan(l.gross_fen), slipStatus: l.slip_status,
        slipText: fmt.SLIP_STATUS[l.slip_status] || l.slip_status || '',
        paymentText: fmt.PAYMENT_STATUS[l.payment_status] || l.payment_status,
      })),
    });
  },

  issueSlips() {
    const id = this.data.payroll.id;
    return this.run(async () => {
      await api.post(`/api/v1/payrolls/${id}/issue-slips`, {}, { action: `payroll:issue:${id}` });
      await this.show(id);
    }, '工资条已发给工人确认');
  },

  startLineAction(e) {
    this.setData({ lineAction: { lineId: Number(e.currentTarget.dataset.line), kind: e.currentTarget.dataset.kind,
                                 reason: '' } });
  },
  onLineReason(e) { this.setData({ 'lineAction.reason': String(e.detail.value || '') }); },

  /** Hold a disputed line for a supplementary payroll, or release an unreachable worker's line. */
  submitLineAction() {
    const { lineId, kind, reason } = this.data.lineAction;
    const id = this.data.payroll.id;
    return this.run(async () => {
      await api.post(`/api/v1/payrolls/${id}/lines/${lineId}/${kind}`, { reason: reason.trim() },
        { action: `payroll:${kind}:${lineId}` });
      this.setData({ lineAction: null });
      await this.show(id);
    }, kind === 'hold' ? '已暂缓，转入补发工资表' : '已放行');
  },

  submit() {
    const id = this.data.payroll.id;
    return this.run(async () => {
      await api.post(`/api/v1/payrolls/${id}/submit`, {}, { action: `payroll:submit:${id}` });
      await this.show(id);
    }, '已提交审批');
  },

  review() {
    const id = this.data.payroll.id;
    return this.run(async () => {
      await api.post(`/api/v1/payrolls/${id}/review`, {}, { action: `payroll:review:${id}` });
      await this.show(id);
    }, '已审核，转工资审批人');
  },

  downloadBankFile() {
    const id = this.data.payroll.id;
    return this.run(async () => {
      const file = await api.download(`/api/v1/payrolls/${id}/bank-file.xlsx`);
      await new Promise((resolve, reject) => wx.openDocument({
        filePath: file, fileType: 'xlsx', showMenu: true, success: resolve,
        fail: () => reject(new Error('无法打开代发文件')),
      }));
    }, '代发文件已打开，可转发给银行');
  },
});

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
    /** @type {{id: number, name: string, contractor: boolean}[]} */
    companies: [],
    companyIndex: -1,
    /** @type {any} */
    lineAction: null,
    busy: false,
    error: '',
    notice: '',
  },

  onLoad(query) {
    this.setData({ projectId: Number(query.project_id || 0), month: query.month || fmt.thisMonth() });
    return this.loadEmployers().then(() => (query.id ? this.show(Number(query.id)) : undefined));
  },

  onMonth(e) { this.setData({ month: e.detail.value }); },

  /**
   * The employers of the project (issue 25: a payroll is per employer). A subcontractor's clerk
   * prepares their company's (preselected: the company of their earlier payrolls, else the only
   * subcontractor); the general contractor's labour manager prepares the general contractor's,
   * which is the server's default, so no company_id is sent for it.
   */
  async loadEmployers() {
    try {
      const [me, participants] = await Promise.all([
        api.get('/api/v1/me', { etag: true }),
        api.get(`/api/v1/projects/${this.data.projectId}/participants`, { etag: true })]);
      const companies = participants.items.map((/** @type {any} */ c) => ({
        id: c.company_id, name: c.company_name, contractor: c.role === 'general_contractor' }));
      const clerk = me.memberships.some((/** @type {any} */ m) => m.project_id === this.data.projectId
        && m.role === 'subcontractor_clerk');
      let index = companies.findIndex((c) => c.contractor);
      if (clerk) {
        const earlier = await api.get(`/api/v1/projects/${this.data.projectId}/payrolls`, { etag: true });
        const mine = earlier.items.find((/** @type {any} */ p) => p.company_id);
        const subs = companies.filter((c) => !c.contractor);
        index = companies.findIndex((c) => (mine ? c.id === mine.company_id : subs.length === 1 && c === subs[0]));
      }
      this.setData({ companies, companyIndex: index });
    } catch (err) {
      this.setData({ error: api.errorMessage(err) });
    }
  },

  chooseCompany(e) { this.setData({ companyIndex: Number(e.detail.value) }); },

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
      const company = this.data.companies[this.data.companyIndex];
      const body = company && !company.contractor ? { month: this.data.month, company_id: company.id }
        : { month: this.data.month };
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

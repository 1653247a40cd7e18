// 待审批 (payroll approver): submitted payrolls with totals and lines; approve, or reject with a reason.
const api = require('../../utils/api');
const fmt = require('../../utils/format');

const WAITING = ['submitted', 'reviewed'];

Page({
  data: {
    projectId: 0,
    /** @type {any[]} */
    payrolls: [],
    /** @type {any} */
    open: null,
    /** @type {any[]} */
    lines: [],
    rejecting: false,
    reason: '',
    busy: false,
    error: '',
    notice: '',
  },

  onLoad(query) {
    this.setData({ projectId: Number(query.project_id || 0) });
    return this.load();
  },

  async load() {
    try {
      const list = await api.get(`/api/v1/projects/${this.data.projectId}/payrolls`, { etag: true });
      this.setData({
        payrolls: list.items.filter((/** @type {any} */ p) => WAITING.includes(p.status)).map((/** @type {any} */ p) => ({
          id: p.id, month: p.month, statusText: fmt.PAYROLL_STATUS[p.status] || p.status,
          net: fmt.yuan(p.total_net_fen), lineCount: p.line_count,
        })),
      });
    } catch (err) {
      this.setData({ error: api.errorMessage(err) });
    }
  },

  async openPayroll(e) {
    this.setData({ error: '', notice: '', rejecting: false });
    try {
      const p = await api.get(`/api/v1/payrolls/${e.currentTarget.dataset.id}?limit=100`, { etag: true });
      this.setData({
        open: { id: p.id, month: p.month, gross: fmt.yuan(p.total_gross_fen), net: fmt.yuan(p.total_net_fen),
                deductions: fmt.yuan(p.total_deductions_fen), statusText: fmt.PAYROLL_STATUS[p.status] || p.status },
        lines: p.lines.map((/** @type {any} */ l) => ({
          id: l.id, name: l.name_masked, days: l.days, net: fmt.yuan(l.net_fen),
          slipText: fmt.SLIP_STATUS[l.slip_status] || l.slip_status || '',
        })),
      });
    } catch (err) {
      this.setData({ error: api.errorMessage(err) });
    }
  },

  async approve() {
    const id = this.data.open.id;
    this.setData({ busy: true, error: '' });
    try {
      const p = await api.post(`/api/v1/payrolls/${id}/approve`, {}, { action: `payroll:approve:${id}` });
      this.setData({ busy: false, open: null, notice: `已批准 ${p.month} 工资表，实发 ${fmt.yuan(p.total_net_fen)}` });
      await this.load();
    } catch (err) {
      this.setData({ busy: false, error: api.errorMessage(err) });
    }
  },

  startReject() { this.setData({ rejecting: true, reason: '' }); },
  onReason(e) { this.setData({ reason: String(e.detail.value || '') }); },

  async reject() {
    const id = this.data.open.id;
    this.setData({ busy: true, error: '' });
    try {
      await api.post(`/api/v1/payrolls/${id}/reject`, { reason: this.data.reason.trim() }, { action: `payroll:reject:${id}` });
      this.setData({ busy: false, open: null, rejecting: false, notice: '已退回，制表人会看到原因' });
      await this.load();
    } catch (err) {
      this.setData({ busy: false, error: api.errorMessage(err) });
    }
  },
});

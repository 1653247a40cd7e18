// 我的考勤: the month, each day with its status and why it counts (or not), corrections and
// disputes; a dispute on a day goes to the team leader and the labour manager.
const api = require('../../utils/api');
const fmt = require('../../utils/format');

Page({
  data: {
    projectId: 0,
    month: '',
    /** @type {any[]} */
    days: [],
    disputeDate: '',
    disputeReason: '',
    error: '',
    notice: '',
    busy: false,
  },

  onLoad(query) {
    this.setData({ projectId: Number(query.project_id || 0), month: query.month || fmt.thisMonth() });
    return this.load();
  },

  async load() {
    try {
      const month = await api.get(`/api/v1/me/attendance?project_id=${this.data.projectId}&month=${this.data.month}`,
        { etag: true });
      this.setData({
        days: month.items.map((/** @type {any} */ d) => ({
          date: d.date, status: d.status, statusText: d.status_text || fmt.DAY_STATUS[d.status] || d.status,
          explanation: d.explanation, hours: (d.worked_minutes / 60).toFixed(1), confirmed: d.confirmed,
          corrections: d.corrections.map((/** @type {any} */ c) => `班组长更正：${c.reason}`),
          disputes: d.disputes.map((/** @type {any} */ x) => (x.status === 'open'
            ? `异议处理中：${x.reason}` : `异议已答复：${x.resolution || ''}`)),
          canDispute: !d.locked && !d.disputes.some((/** @type {any} */ x) => x.status === 'open'),
        })),
      });
    } catch (err) {
      this.setData({ error: api.errorMessage(err) });
    }
  },

  changeMonth(e) {
    this.setData({ month: e.detail.value });
    return this.load();
  },

  startDispute(e) {
    this.setData({ disputeDate: e.currentTarget.dataset.date, disputeReason: '', error: '', notice: '' });
  },

  onReason(e) {
    this.setData({ disputeReason: String(e.detail.value || '') });
  },

  async submitDispute() {
    const date = this.data.disputeDate;
    this.setData({ busy: true, error: '' });
    try {
      await api.post(`/api/v1/me/attendance/${date}/disputes`,
        { project_id: this.data.projectId, reason: this.data.disputeReason.trim() }, { action: `dispute:${date}` });
      this.setData({ busy: false, disputeDate: '', notice: `已对 ${date} 提出异议，班组长将答复` });
      await this.load();
    } catch (err) {
      this.setData({ busy: false, error: api.errorMessage(err) });
    }
  },
});

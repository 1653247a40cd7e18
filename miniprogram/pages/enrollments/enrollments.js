// 报名审核 (labour manager, project admin): pending applications with what is complete and what
// is missing, approve (the contract is generated) or reject with a reason; 三级教育 per worker.
const api = require('../../utils/api');

const MISSING = {
  consents: '授权未齐', profile: '实名信息未填', face: '未录入人脸', face_enrolled: '未录入人脸',
  team: '未选班组', identity: '未实名核验', identity_verified: '未实名核验', training: '安全教育学时不足',
};
// looked at, never refused by the server: the labour manager decides
const FLAGS = {
  AGE_OVER_LIMIT: '超过项目年龄上限', BANK_CARD_SHARED: '银行卡曾与他人重复登记，请核实是否本人的卡',
};

Page({
  data: {
    projectId: 0,
    status: 'pending',
    /** @type {any[]} */
    items: [],
    rejectingId: 0,
    rejectReason: '',
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
      const list = await api.get(`/api/v1/projects/${this.data.projectId}/enrollments?status=${this.data.status}`,
        { etag: true });
      this.setData({
        items: list.items.map((/** @type {any} */ e) => ({
          id: e.id, userId: e.user_id, name: e.name_masked || '（未填姓名）', team: e.team_name || '',
          complete: e.completeness.missing.length === 0,
          needsIdentity: e.completeness.missing.includes('identity'),
          missing: e.completeness.missing.map((/** @type {string} */ m) => MISSING[m] || m),
          flags: e.completeness.flags.map((/** @type {string} */ f) => FLAGS[f] || f),
        })),
      });
    } catch (err) {
      this.setData({ error: api.errorMessage(err) });
    }
  },

  async approve(e) {
    const id = Number(e.currentTarget.dataset.id);
    this.setData({ busy: true, error: '', notice: '' });
    try {
      await api.post(`/api/v1/enrollments/${id}/approve`, {}, { action: `enrollment:approve:${id}` });
      this.setData({ busy: false, notice: '已通过审核，劳动合同已生成，请工人在“合同”中签署' });
      await this.load();
    } catch (err) {
      this.setData({ busy: false, error: api.errorMessage(err) });
    }
  },

  startReject(e) { this.setData({ rejectingId: Number(e.currentTarget.dataset.id), rejectReason: '' }); },
  onReason(e) { this.setData({ rejectReason: String(e.detail.value || '') }); },

  async reject() {
    const id = this.data.rejectingId;
    this.setData({ busy: true, error: '' });
    try {
      await api.post(`/api/v1/enrollments/${id}/reject`, { reason: this.data.rejectReason.trim() },
        { action: `enrollment:reject:${id}` });
      this.setData({ busy: false, rejectingId: 0, notice: '已驳回，工人会看到原因' });
      await this.load();
    } catch (err) {
      this.setData({ busy: false, error: api.errorMessage(err) });
    }
  },

  /**
   * Identity checked on site (issue 27): the labour manager has the worker's original ID card in
   * hand, the worker present; the other way besides WeChat 人脸核身, and never for oneself.
   */
  async verifyIdentity(e) {
    const userId = Number(e.currentTarget.dataset.user);
    this.setData({ busy: true, error: '', notice: '' });
    try {
      await api.postForm(`/api/v1/projects/${this.data.projectId}/workers/${userId}/identity-verifications`,
        { method: 'on_site', note: '核对身份证原件，人证一致' }, { action: `identity:on-site:${userId}` });
      this.setData({ busy: false, notice: '已记录当面核验身份' });
      await this.load();
    } catch (err) {
      this.setData({ busy: false, error: api.errorMessage(err) });
    }
  },

  training(e) {
    wx.navigateTo({ url: `/pages/training/training?project_id=${this.data.projectId}&user_id=${e.currentTarget.dataset.user}` });
  },
});

// 工资条: slips to confirm (days counted, deductions with kind and reason, gross and net), sign on
// the canvas (one PNG upload) or dispute; paid slips. The pay-slip notice opens this page with
// ?id=<slip> (services/payroll/notify.py PAYSLIP_PAGE), so its route is pages/payslip/detail. Before the first slip the worker is asked for
// the one-off pay-slip notice (wx.requestSubscribeMessage with the template id from the server).
const api = require('../../utils/api');
const device = require('../../utils/device');
const fmt = require('../../utils/format');

const TO_CONFIRM = ['to_confirm', 'issued'];
const DEDUCTION_KIND = {
  social_insurance: '社保个人缴纳部分', income_tax: '个人所得税', advance: '借支', damages: '赔偿经济损失',
  court_order: '法院判决/裁定', other_lawful: '其他依法扣除',
};

/** @type {ReturnType<typeof device.signaturePad> | null} */
let pad = null;

function slipView(/** @type {any} */ s) {
  return {
    id: s.id, month: s.month, status: s.status, statusText: fmt.SLIP_STATUS[s.status] || s.status,
    paymentText: fmt.PAYMENT_STATUS[s.payment_status] || s.payment_status, net: fmt.yuan(s.net_fen),
    toConfirm: TO_CONFIRM.includes(s.status),
  };
}

Page({
  data: {
    projectId: 0,
    /** @type {any[]} */
    toConfirm: [],
    /** @type {any[]} */
    others: [],
    /** @type {any} */
    slip: null,
    subscribed: false,
    disputing: false,
    disputeReason: '',
    busy: false,
    error: '',
    notice: '',
  },

  onLoad(query) {
    this.setData({ projectId: Number(query.project_id || 0) });
    pad = device.signaturePad('slip-signature');
    if (query.id) return this.load().then(() => this.open({ currentTarget: { dataset: { id: query.id } } }));
    return this.load();
  },

  async load() {
    try {
      const q = this.data.projectId ? `?project_id=${this.data.projectId}` : '';
      const list = await api.get(`/api/v1/me/payslips${q}`, { etag: true });
      const slips = list.items.map(slipView);
      this.setData({ toConfirm: slips.filter((s) => s.toConfirm), others: slips.filter((s) => !s.toConfirm) });
    } catch (err) {
      this.setData({ error: api.errorMessage(err) });
    }
  },

  /** Must run in a tap (WeChat shows the consent dialog only for a user gesture). */
  async subscribe() {
    try {
      const accepted = await api.subscribePayslip();
      this.setData({ subscribed: accepted, notice: accepted ? '工资条生成后将通过微信通知您' : '' });
    } catch (err) {
      this.setData({ error: api.errorMessage(err) });
    }
  },

  async open(e) {
    this.setData({ error: '', notice: '', disputing: false });
    try {
      const s = await api.get(`/api/v1/payslips/${e.currentTarget.dataset.id}`, { etag: true });
      if (pad) pad.clear();
      this.setData({
        slip: {
          ...slipView(s), days: s.days, rate: fmt.yuan(s.rate_fen), gross: fmt.yuan(s.gross_fen),
          overtime: fmt.yuan(s.overtime_fen), deductionsTotal: fmt.yuan(s.deductions_fen),
          bank: `${s.bank_name || ''} ${s.bank_card_masked || ''}`.trim(),
          deductions: s.deductions.map((/** @type {any} */ d) => ({
            kindText: DEDUCTION_KIND[d.kind] || d.kind, reason: d.reason, basis: d.basis || '',
            amount: fmt.yuan(d.applied_fen === undefined ? d.amount_fen : d.applied_fen),
          })),
          // issue 25: every day counted and why
          dayItems: (s.day_list || []).map((/** @type {any} */ d) => ({
            date: d.date, text: fmt.DAY_STATUS[d.status] || d.status, counted: d.counted_days, why: d.why || '',
          })),
          employer: s.employer || '', resolution: s.resolution || '',
          disputeReason: s.dispute_reason || '',
        },
      });
    } catch (err) {
      this.setData({ error: api.errorMessage(err) });
    }
  },

  onSignStart(e) { if (pad) pad.start(e); },
  onSignMove(e) { if (pad) pad.move(e); },
  clearSignature() { if (pad) pad.clear(); },

  async confirm() {
    if (!pad || pad.empty) {
      this.setData({ error: '请先在方框内手写签名' });
      return;
    }
    const id = this.data.slip.id;
    this.setData({ busy: true, error: '' });
    try {
      const png = await pad.toPng();
      await api.upload(`/api/v1/payslips/${id}/confirm`, 'signature', png, {}, { action: `slip:confirm:${id}` });
      await this.open({ currentTarget: { dataset: { id } } });
      await this.load();
      this.setData({ busy: false, notice: '已签字确认工资条' });
    } catch (err) {
      this.setData({ busy: false, error: api.errorMessage(err) });
    }
  },

  startDispute() { this.setData({ disputing: true, disputeReason: '' }); },
  onReason(e) { this.setData({ disputeReason: String(e.detail.value || '') }); },

  async dispute() {
    const id = this.data.slip.id;
    this.setData({ busy: true, error: '' });
    try {
      await api.post(`/api/v1/payslips/${id}/dispute`, { reason: this.data.disputeReason.trim() },
        { action: `slip:dispute:${id}` });
      await this.open({ currentTarget: { dataset: { id } } });
      await this.load();
      this.setData({ busy: false, disputing: false, notice: '异议已提交，劳资员将核实后答复' });
    } catch (err) {
      this.setData({ busy: false, error: api.errorMessage(err) });
    }
  },
});

// 合同: my contracts; open the PDF (wx.downloadFile with the token + wx.openDocument); sign:
// the handwritten name on a canvas exported as PNG, then the selfie as a `contract` face check,
// then the signature with that check's id (two single-file uploads, issue 24). A worker who does
// not use the face signs with the signature alone and a labour manager witnesses it (issue 27).
// A 变更协议 of a contract in force is signed the same way, with or without the face.
const api = require('../../utils/api');
const device = require('../../utils/device');
const fmt = require('../../utils/format');

const STATUS = {
  unsigned: '待签署', signing: '核验中', worker_signed: '待用工单位签署', employer_signed: '待本人签署',
  awaiting_witness: '等待劳资专管员见证', signed: '已生效', terminated: '已解除',
};

/** @type {ReturnType<typeof device.signaturePad> | null} */
let pad = null;

Page({
  data: {
    projectId: 0,
    /** @type {any[]} */
    contracts: [],
    /** @type {any[]} */
    amendments: [],
    signingId: 0,
    signingKind: 'contract',
    usesFace: true,
    busy: false,
    step: '',
    error: '',
    notice: '',
  },

  onLoad(query) {
    this.setData({ projectId: Number(query.project_id || 0) });
    pad = device.signaturePad('signature');
    return this.load();
  },

  async load() {
    try {
      const [list, me] = await Promise.all([api.get('/api/v1/me/contracts', { etag: true }),
                                            api.get('/api/v1/me', { etag: true })]);
      const usesFace = me.consents.some((/** @type {any} */ c) => c.kind === 'biometric');
      const contracts = list.items.map((/** @type {any} */ c) => ({
        id: c.id, projectId: c.project_id, title: c.title, status: c.status, statusText: STATUS[c.status] || c.status,
        wage: fmt.yuan(c.wage_amount_fen), canSign: c.status === 'unsigned' || c.status === 'employer_signed',
      }));
      // 变更协议 exist only for contracts in force; the worker signs those not yet signed on their side
      const inForce = contracts.filter((/** @type {any} */ c) => c.status === 'signed');
      const lists = await Promise.all(inForce.map((/** @type {any} */ c) =>
        api.get(`/api/v1/contracts/${c.id}/amendments`, { etag: true })));
      const amendments = lists.flatMap((l, i) => l.items.filter((/** @type {any} */ a) => a.status !== 'signed')
        .map((/** @type {any} */ a) => ({
          id: a.id, contractId: a.contract_id, projectId: inForce[i].projectId, title: inForce[i].title,
          statusText: STATUS[a.status] || a.status, wage: fmt.yuan(a.wage_amount_fen), from: a.effective_from,
          canSign: a.status === 'unsigned' || a.status === 'employer_signed',
        })));
      this.setData({ usesFace, contracts, amendments });
    } catch (err) {
      this.setData({ error: api.errorMessage(err) });
    }
  },

  async openPdf(e) {
    this.setData({ error: '' });
    try {
      const file = await api.download(`/api/v1/contracts/${e.currentTarget.dataset.id}/pdf`);
      await new Promise((resolve, reject) => wx.openDocument({
        filePath: file, fileType: 'pdf', showMenu: true, success: resolve,
        fail: () => reject(new Error('无法打开合同文件')),
      }));
    } catch (err) {
      this.setData({ error: api.errorMessage(err) });
    }
  },

  startSign(e) {
    if (pad) pad.clear();
    this.setData({ signingId: Number(e.currentTarget.dataset.id), signingKind: e.currentTarget.dataset.kind || 'contract',
                   error: '', notice: '', step: 'sign' });
  },

  onSignStart(e) { if (pad) pad.start(e); },
  onSignMove(e) { if (pad) pad.move(e); },
  clearSignature() { if (pad) pad.clear(); },

  /** The signature, then the selfie check, then the signing call with the check's id. */
  async sign() {
    if (!pad || pad.empty) {
      this.setData({ error: '请先在方框内手写签名' });
      return;
    }
    const id = this.data.signingId;
    const amendment = this.data.signingKind === 'amendment';
    const item = (amendment ? this.data.amendments : this.data.contracts).find((c) => c.id === id);
    const base = amendment ? `/api/v1/contract-amendments/${id}` : `/api/v1/contracts/${id}`;
    const tag = `${amendment ? 'amendment' : 'contract'}:${id}`;
    this.setData({ busy: true, error: '' });
    try {
      const signature = await pad.toPng();
      /** @type {Record<string, string|number>} */
      const fields = {};
      if (this.data.usesFace) {
        this.setData({ step: 'selfie' });
        const frames = await device.selfieBurst(2);
        const accepted = await api.upload('/api/v1/faces/checks', 'frames', frames[frames.length - 1],
          { kind: 'contract', project_id: (item && item.projectId) || this.data.projectId },
          { action: `face:${tag}` });
        const check = await api.poll(accepted.poll_url || `/api/v1/faces/checks/${accepted.check_id}`,
          (c) => c.status !== 'pending', { intervalS: accepted.retry_after || 1 });
        if (check.status !== 'passed') {
          this.setData({ busy: false, step: 'sign', error: check.message || '人脸核验未通过，请重试' });
          return;
        }
        fields.face_check_id = accepted.check_id;
      }
      this.setData({ step: 'signing' });
      const signed = await api.upload(`${base}/sign`, 'signature', signature, fields, { action: `sign:${tag}` });
      // signed, or (issue 26) waiting for the employer's signature; a check still running: poll the record
      let status = signed.status;
      const deadline = Date.now() + api.settings.pollMaxWaitMs;
      while (status === 'signing' && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, (signed.retry_after || 1) * api.settings.retryAfterScale));
        status = (await api.get(base)).status || status;
      }
      await this.load();
      this.setData({ busy: false, step: '', signingId: 0,
                     notice: status === 'signed' ? (amendment ? '变更协议已签署' : '合同已签署') : (STATUS[status] || status) });
    } catch (err) {
      this.setData({ busy: false, step: 'sign', error: api.errorMessage(err) });
    }
  },
});

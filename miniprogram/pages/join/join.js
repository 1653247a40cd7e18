// 加入项目: scan or type the join code → project preview → the four consents, each with its text
// → the real-name profile → choose a team → join (then the labour manager reviews).
const api = require('../../utils/api');

// Face recognition must not be the only way (《人脸识别技术应用安全管理办法》, issue 27): the biometric
// consent may be declined; identity, contract and clocks then go through the labour manager and leader.
const OPTIONAL = ['biometric'];

/** @param {any[]} consents */
function required(consents) {
  return consents.every((c) => c.agreed || OPTIONAL.includes(c.kind));
}

Page({
  data: {
    step: 'code', // code → preview → consents → profile → done
    code: '',
    error: '',
    busy: false,
    /** @type {any} */
    preview: null,
    /** @type {any[]} */
    consents: [],
    allAgreed: false,
    /** @type {string[]} */
    trades: [],
    tradeIndex: -1,
    profile: {
      name: '', id_number: '', phone: '', bank_card: '', bank_name: '', trade: '',
      emergency_name: '', emergency_phone: '', address: '', emergency_address: '', emergency_relationship: '',
    },
    teamIndex: -1,
    /** @type {any} */
    joined: null,
  },

  onLoad(query) {
    // a QR code opens the page with ?code=… (or scene=… from wxacode.getUnlimited)
    const code = (query && (query.code || query.scene)) || '';
    if (code) {
      this.setData({ code: decodeURIComponent(code) });
      return this.preview();
    }
    return undefined;
  },

  onCodeInput(e) {
    this.setData({ code: String(e.detail.value || '').trim().toUpperCase() });
  },

  scan() {
    return new Promise((resolve) => {
      wx.scanCode({
        onlyFromCamera: true,
        success: (res) => {
          const found = /code=([A-Za-z0-9]+)/.exec(res.result);
          this.setData({ code: (found ? found[1] : res.result).toUpperCase() });
          resolve(this.preview());
        },
        fail: () => resolve(undefined),
      });
    });
  },

  async preview() {
    if (!this.data.code) {
      this.setData({ error: '请输入项目码' });
      return;
    }
    this.setData({ busy: true, error: '' });
    try {
      const preview = await api.get(`/api/v1/join/${encodeURIComponent(this.data.code)}`);
      this.setData({ preview, step: 'preview', busy: false });
    } catch (err) {
      this.setData({ error: api.errorMessage(err), busy: false });
    }
  },

  async toConsents() {
    this.setData({ busy: true, error: '' });
    try {
      const current = await api.get('/api/v1/consents/current', { etag: true });
      const me = await api.get('/api/v1/me', { etag: true });
      const given = new Set(me.consents.map((/** @type {any} */ c) => `${c.kind}:${c.version}`));
      const consents = current.items.map((/** @type {any} */ c) => ({
        kind: c.kind, title: c.title, text: c.text, version: c.version, optional: OPTIONAL.includes(c.kind),
        agreed: given.has(`${c.kind}:${c.version}`), recorded: given.has(`${c.kind}:${c.version}`),
      }));
      this.setData({ consents, step: 'consents', busy: false, allAgreed: required(consents) });
    } catch (err) {
      this.setData({ error: api.errorMessage(err), busy: false });
    }
  },

  /** Each agreement is ticked on its own (no "agree to all"): PIPL separate consent. */
  toggleConsent(e) {
    const i = Number(e.currentTarget.dataset.index);
    const consents = this.data.consents.slice();
    consents[i] = { ...consents[i], agreed: !consents[i].agreed };
    this.setData({ consents, allAgreed: required(consents) });
  },

  async submitConsents() {
    if (!this.data.allAgreed) {
      this.setData({ error: '请逐项阅读并勾选同意必需的授权' });
      return;
    }
    this.setData({ busy: true, error: '' });
    try {
      for (const c of this.data.consents) {
        if (c.agreed && !c.recorded) {
          await api.post('/api/v1/me/consents', { kind: c.kind, version: c.version },
            { action: `consent:${c.kind}:${c.version}` });
        }
      }
      const trades = await api.get('/api/v1/trades', { etag: true });
      this.setData({ step: 'profile', busy: false, trades: trades.items.map((/** @type {any} */ t) => t.name) });
    } catch (err) {
      this.setData({ error: api.errorMessage(err), busy: false });
    }
  },

  onField(e) {
    this.setData({ [`profile.${e.currentTarget.dataset.field}`]: String(e.detail.value || '').trim() });
  },

  chooseTrade(e) {
    const i = Number(e.detail.value);
    this.setData({ tradeIndex: i, 'profile.trade': this.data.trades[i] });
  },

  chooseTeam(e) {
    this.setData({ teamIndex: Number(e.detail.value) });
  },

  async join() {
    const p = this.data.profile;
    const team = this.data.preview.teams[this.data.teamIndex];
    if (!team) {
      this.setData({ error: '请选择班组' });
      return;
    }
    this.setData({ busy: true, error: '' });
    try {
      /** @type {Record<string, any>} */
      const emergency = { name: p.emergency_name, phone: p.emergency_phone };
      // the contract's parties block (issue 26): sent when filled, so older servers are not sent unknown fields
      if (p.emergency_address) emergency.address = p.emergency_address;
      if (p.emergency_relationship) emergency.relationship = p.emergency_relationship;
      /** @type {Record<string, any>} */
      const body = {
        name: p.name, id_number: p.id_number, phone: p.phone || null, bank_card: p.bank_card || null,
        bank_name: p.bank_name || null, trade: p.trade, emergency_contact: p.emergency_name ? emergency : null,
      };
      if (p.address) body.address = p.address;
      await api.put('/api/v1/me/profile', body);
      const joined = await api.post('/api/v1/projects/join', { join_code: this.data.code, team_id: team.id },
        { action: `join:${this.data.code}` });
      getApp().globalData.projectId = joined.project_id;
      this.setData({ joined, step: 'done', busy: false });
    } catch (err) {
      this.setData({ error: api.errorMessage(err), busy: false });
    }
  },

  toFace() {
    wx.redirectTo({ url: `/pages/face/face?project_id=${this.data.joined.project_id}` });
  },
});

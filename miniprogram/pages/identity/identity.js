// 实名核验: WeChat 人脸核身 (wx.startFacialRecognitionVerify, only for accounts WeChat has granted
// it), the result checked by the server (POST /me/identity-verifications, issue 27); otherwise —
// or when the worker prefers not to use the face — what to bring to the labour manager.
const api = require('../../utils/api');

const ON_SITE = '请携带本人身份证原件到项目部，由劳资专管员当面核验（不使用人脸识别也可以完成实名）。';

Page({
  data: {
    /** @type {any} */
    profile: null,
    canFaceVerify: false,
    name: '',
    idNumber: '',
    verified: false,
    method: '',
    onSite: ON_SITE,
    error: '',
    busy: false,
  },

  async onLoad() {
    // 人脸核身 is an interface WeChat grants per account category; without it the page says what to bring
    const canFaceVerify = typeof (/** @type {any} */ (wx)).startFacialRecognitionVerify === 'function';
    this.setData({ canFaceVerify });
    try {
      this.setData({ profile: await api.get('/api/v1/me/profile') });
    } catch (err) {
      this.setData({ error: api.errorMessage(err) });
    }
  },

  onName(e) { this.setData({ name: String(e.detail.value || '').trim() }); },
  onIdNumber(e) { this.setData({ idNumber: String(e.detail.value || '').trim().toUpperCase() }); },

  /** WeChat compares the face with the ID card's photo; the server asks WeChat for the outcome. */
  async verify() {
    this.setData({ busy: true, error: '' });
    try {
      const verifyResult = await new Promise((resolve, reject) => {
        (/** @type {any} */ (wx)).startFacialRecognitionVerify({
          name: this.data.name, idCardNumber: this.data.idNumber, checkAliveType: 2,
          success: (/** @type {any} */ res) => resolve(res.verifyResult),
          fail: (/** @type {any} */ res) => reject(new Error((res && res.errMsg) || '人脸核身未完成，可改为到项目部当面核验')),
        });
      });
      const answer = await api.post('/api/v1/me/identity-verifications', { verify_result: verifyResult },
        { action: 'identity:face' });
      this.setData({ busy: false, verified: answer.status === 'verified', method: answer.method || 'wechat_face' });
    } catch (err) {
      this.setData({ busy: false, error: api.errorMessage(err) });
    }
  },
});

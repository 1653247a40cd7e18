// 人脸录入: front camera, never mirrored, a 2–3 frame burst, JPG; the best frame goes to the
// server (wx.uploadFile sends one file) as an `enroll` face check, polled until decided.
const api = require('../../utils/api');
const device = require('../../utils/device');

const FACE_STATUS = { pending: '核验中…', passed: '人脸录入成功', failed: '未通过', error: '系统出错，请重试' };

Page({
  data: {
    projectId: 0,
    busy: false,
    error: '',
    status: '',
    statusText: '',
    message: '',
    frames: 0,
  },

  onLoad(query) {
    this.setData({ projectId: Number(query.project_id || 0) });
  },

  async take() {
    this.setData({ busy: true, error: '', status: '', statusText: '', message: '' });
    try {
      const frames = await device.selfieBurst(3);
      this.setData({ frames: frames.length });
      // the burst guards against a blink or motion blur; the middle frame is the steadiest
      const frame = frames[Math.floor(frames.length / 2)];
      // the face is the worker's, not a project's: an enrollment names no project
      const accepted = await api.upload('/api/v1/faces/checks', 'frames', frame, { kind: 'enroll' },
        { action: 'face:enroll' });
      this.setData({ status: 'pending', statusText: FACE_STATUS.pending });
      const check = await api.poll(accepted.poll_url || `/api/v1/faces/checks/${accepted.check_id}`,
        (c) => c.status !== 'pending', { intervalS: accepted.retry_after || 1 });
      this.setData({ busy: false, status: check.status, statusText: FACE_STATUS[check.status] || check.status,
                     message: check.message || '' });
    } catch (err) {
      this.setData({ busy: false, error: api.errorMessage(err) });
    }
  },
});

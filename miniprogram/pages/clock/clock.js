// 打卡: selfie (front camera, not mirrored) + wx.getLocation({type: 'gcj02'}), clock in or out,
// poll until decided, the reason when refused. Without network the clock is queued with its
// Idempotency-Key and the time it was taken, and sent when the phone is back online.
const api = require('../../utils/api');
const device = require('../../utils/device');
const fmt = require('../../utils/format');

Page({
  data: {
    projectId: 0,
    busy: false,
    error: '',
    direction: '',
    status: '',
    statusText: '',
    reason: '',
    /** @type {string[]} */
    flags: [],
    queued: 0,
    notice: '',
  },

  onLoad(query) {
    this.setData({ projectId: Number(query.project_id || getApp().globalData.projectId || 0) });
  },

  onShow() {
    this.setData({ queued: api.queuedClocks().length });
  },

  /** @param {any} e data-direction="in" | "out" */
  async clock(e) {
    const direction = e.currentTarget.dataset.direction === 'out' ? 'out' : 'in';
    this.setData({ busy: true, error: '', notice: '', direction, status: '', statusText: '', reason: '', flags: [] });
    try {
      const takenAt = new Date().toISOString(); // the moment of the clock, kept if it must wait
      const where = await device.location();
      const frames = await device.selfieBurst(2);
      const result = await api.clock({
        project_id: this.data.projectId, direction, photo: frames[frames.length - 1],
        lat: where.lat, lng: where.lng, accuracy_m: where.accuracy_m, taken_at: takenAt,
      });
      if (result.queued) {
        this.setData({ busy: false, queued: api.queuedClocks().length,
                       notice: '网络不可用：本次打卡已保存（含拍摄时间），联网后自动补传' });
        return;
      }
      await this.follow(result.clock);
    } catch (err) {
      this.setData({ busy: false, error: api.errorMessage(err) });
    }
  },

  /** Polls the clock until it is decided (its face check ran), then shows the outcome. */
  async follow(accepted) {
    this.setData({ status: accepted.status, statusText: fmt.CLOCK_STATUS[accepted.status] || accepted.status });
    const clock = await api.poll(accepted.poll_url || `/api/v1/attendance/clocks/${accepted.id}`,
      (c) => c.status !== 'pending' && c.status !== 'retry', { intervalS: accepted.retry_after || 1 });
    this.setData({
      busy: false,
      status: clock.status,
      statusText: fmt.CLOCK_STATUS[clock.status] || clock.status,
      reason: clock.status === 'rejected' || clock.status === 'flagged' ? (clock.message || '') : '',
      flags: (clock.flags || []).map((/** @type {any} */ f) => f.message || f.code),
    });
  },

  /** The queue also goes out by hand (e.g. the worker is on Wi-Fi again and taps). */
  async sendQueued() {
    this.setData({ busy: true, error: '' });
    const { sent, failed } = await api.flushClockQueue();
    this.setData({ busy: false, queued: api.queuedClocks().length,
                   notice: `已补传 ${sent} 条离线打卡${failed ? `，${failed} 条未被接受（见我的考勤）` : ''}` });
  },
});

// 班组考勤 (team leader): today's team, confirm, correct a day with a reason, and a witnessed
// clock for a worker who does not use the face (marked WITNESSED, located by the leader's phone).
const api = require('../../utils/api');
const device = require('../../utils/device');
const fmt = require('../../utils/format');

const STATUSES = ['present', 'half', 'absent', 'missing_out'];

Page({
  data: {
    teamId: 0,
    date: '',
    locked: false,
    /** @type {any[]} */
    items: [],
    statusNames: STATUSES.map((s) => fmt.DAY_STATUS[s]),
    /** @type {any} */
    correction: null,
    /** @type {any} */
    witness: null,
    busy: false,
    error: '',
    notice: '',
  },

  onLoad(query) {
    this.setData({ teamId: Number(query.team_id || 0), date: query.date || fmt.today() });
    return this.load();
  },

  async load() {
    try {
      const day = await api.get(`/api/v1/teams/${this.data.teamId}/days/${this.data.date}`, { etag: true });
      this.setData({
        locked: day.locked,
        items: day.items.map((/** @type {any} */ i) => ({
          userId: i.user_id, name: i.name_masked, status: i.status,
          statusText: fmt.DAY_STATUS[i.status] || i.status, hours: (i.worked_minutes / 60).toFixed(1),
          confirmed: i.confirmed, corrected: i.corrected,
          flags: i.flags.map((/** @type {any} */ f) => f.message || f.code),
          clocks: i.clocks.length,
        })),
      });
    } catch (err) {
      this.setData({ error: api.errorMessage(err) });
    }
  },

  changeDate(e) {
    this.setData({ date: e.detail.value });
    return this.load();
  },

  async confirmAll() {
    this.setData({ busy: true, error: '', notice: '' });
    try {
      const done = await api.post(`/api/v1/teams/${this.data.teamId}/days/${this.data.date}/confirm`, {},
        { action: `team-day:${this.data.teamId}:${this.data.date}:all` });
      this.setData({ busy: false, notice: `已确认 ${done.items.length} 人的考勤` });
      await this.load();
    } catch (err) {
      this.setData({ busy: false, error: api.errorMessage(err) });
    }
  },

  startCorrect(e) {
    const item = this.data.items.find((i) => i.userId === Number(e.currentTarget.dataset.user));
    this.setData({
      error: '', notice: '',
      correction: { userId: item.userId, name: item.name, statusIndex: Math.max(0, STATUSES.indexOf(item.status)),
                    hours: item.hours, reason: '' },
    });
  },

  onCorrectStatus(e) { this.setData({ 'correction.statusIndex': Number(e.detail.value) }); },
  onCorrectHours(e) { this.setData({ 'correction.hours': String(e.detail.value || '') }); },
  onCorrectReason(e) { this.setData({ 'correction.reason': String(e.detail.value || '') }); },

  /** The reason is the server's rule (CORRECTION_REASON_REQUIRED); its message is shown as it comes. */
  async submitCorrection() {
    const c = this.data.correction;
    this.setData({ busy: true, error: '' });
    try {
      const reason = c.reason.trim();
      await api.post(`/api/v1/teams/${this.data.teamId}/days/${this.data.date}/confirm`, {
        user_ids: [c.userId],
        corrections: [{ user_id: c.userId, status: STATUSES[c.statusIndex],
                        worked_minutes: Math.round(Number(c.hours) * 60), reason: reason || null }],
      });
      this.setData({ busy: false, correction: null, notice: `已更正并确认 ${c.name} 的考勤` });
      await this.load();
    } catch (err) {
      this.setData({ busy: false, error: api.errorMessage(err) });
    }
  },

  startWitness(e) {
    const item = this.data.items.find((i) => i.userId === Number(e.currentTarget.dataset.user));
    this.setData({ error: '', notice: '', witness: { userId: item.userId, name: item.name, direction: 'in', note: '' } });
  },

  onWitnessDirection(e) { this.setData({ 'witness.direction': e.detail.value === 'out' ? 'out' : 'in' }); },
  onWitnessNote(e) { this.setData({ 'witness.note': String(e.detail.value || '') }); },

  async submitWitness() {
    const w = this.data.witness;
    this.setData({ busy: true, error: '' });
    try {
      const where = await device.location();
      const takenAt = new Date().toISOString();
      await api.post(`/api/v1/teams/${this.data.teamId}/witnessed-clocks`, {
        user_id: w.userId, direction: w.direction, lat: where.lat, lng: where.lng, accuracy_m: where.accuracy_m,
        note: w.note.trim(), taken_at: takenAt,
      }, { action: `witness:${w.userId}:${w.direction}:${this.data.date}` });
      this.setData({ busy: false, witness: null, notice: `已为 ${w.name} 见证打卡` });
      await this.load();
    } catch (err) {
      this.setData({ busy: false, error: api.errorMessage(err) });
    }
  },
});

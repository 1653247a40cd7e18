// 三级教育 (labour manager): a worker's hours per level against the project's requirement; record hours.
const api = require('../../utils/api');
const fmt = require('../../utils/format');

const LEVELS = ['company', 'project', 'team'];

Page({
  data: {
    projectId: 0,
    userId: 0,
    /** @type {any[]} */
    summary: [],
    levelNames: LEVELS.map((l) => fmt.TRAINING_LEVEL[l]),
    levelIndex: 0,
    hours: '',
    date: '',
    note: '',
    busy: false,
    error: '',
    notice: '',
  },

  onLoad(query) {
    this.setData({ projectId: Number(query.project_id || 0), userId: Number(query.user_id || 0), date: fmt.today() });
    return this.load();
  },

  async load() {
    try {
      const t = await api.get(`/api/v1/projects/${this.data.projectId}/workers/${this.data.userId}/trainings`);
      this.setData({
        summary: t.summary.map((/** @type {any} */ s) => ({
          level: s.level, name: fmt.TRAINING_LEVEL[s.level] || s.level, done: s.done_hours,
          required: s.required_hours, met: s.met,
        })),
      });
    } catch (err) {
      this.setData({ error: api.errorMessage(err) });
    }
  },

  onLevel(e) { this.setData({ levelIndex: Number(e.detail.value) }); },
  onHours(e) { this.setData({ hours: String(e.detail.value || '') }); },
  onDate(e) { this.setData({ date: e.detail.value }); },
  onNote(e) { this.setData({ note: String(e.detail.value || '') }); },

  async record() {
    const level = LEVELS[this.data.levelIndex];
    this.setData({ busy: true, error: '', notice: '' });
    try {
      await api.post(`/api/v1/projects/${this.data.projectId}/workers/${this.data.userId}/trainings`,
        { level, hours: Number(this.data.hours), date: this.data.date, note: this.data.note.trim() || null },
        { action: `training:${this.data.userId}:${level}:${this.data.date}:${this.data.hours}` });
      this.setData({ busy: false, hours: '', note: '', notice: `已登记${fmt.TRAINING_LEVEL[level]}教育` });
      await this.load();
    } catch (err) {
      this.setData({ busy: false, error: api.errorMessage(err) });
    }
  },
});

// 首页: my projects, my role in each, and the entry gate's answer (may I clock in today, and why not).
const api = require('../../utils/api');
const fmt = require('../../utils/format');

const WORKER_PAGES = [
  { text: '打卡', url: '/pages/clock/clock' },
  { text: '我的考勤', url: '/pages/attendance/attendance' },
  { text: '工资条', url: '/pages/payslip/detail' },
  { text: '合同', url: '/pages/contracts/contracts' },
  { text: '人脸录入', url: '/pages/face/face' },
  { text: '实名核验', url: '/pages/identity/identity' },
];
const ROLE_PAGES = {
  team_leader: [{ text: '班组考勤', url: '/pages/team-day/team-day' }],
  labour_manager: [
    { text: '报名审核', url: '/pages/enrollments/enrollments' },
    { text: '工资表', url: '/pages/payroll/payroll' },
  ],
  subcontractor_clerk: [{ text: '工资表', url: '/pages/payroll/payroll' }],
  project_admin: [{ text: '报名审核', url: '/pages/enrollments/enrollments' }],
  payroll_approver: [{ text: '待审批', url: '/pages/approvals/approvals' }],
};

Page({
  data: {
    loading: true,
    error: '',
    name: '',
    /** @type {any[]} */
    projects: [],
    queued: 0,
  },

  onShow() {
    return this.load();
  },

  onPullDownRefresh() {
    return this.load().then(() => wx.stopPullDownRefresh());
  },

  async load() {
    this.setData({ loading: true, error: '', queued: api.queuedClocks().length });
    try {
      const me = await api.get('/api/v1/me', { etag: true });
      const projects = await Promise.all(me.memberships.map(async (/** @type {any} */ m) => {
        const item = {
          projectId: m.project_id, name: m.project_name, role: m.role, teamId: m.team_id,
          teamName: m.team_name || '', roleText: fmt.ROLES[m.role] || m.role,
          statusText: fmt.MEMBERSHIP_STATUS[m.status] || m.status, mayClock: false,
          /** @type {string[]} */ reasons: [],
          pages: m.role === 'worker' ? WORKER_PAGES : (ROLE_PAGES[m.role] || []),
        };
        if (m.role === 'worker') {
          const gate = await api.get(`/api/v1/me/projects/${m.project_id}/gate`, { etag: true });
          item.mayClock = gate.may_clock_in;
          item.reasons = gate.reasons.map((/** @type {any} */ r) => r.message);
        }
        return item;
      }));
      this.setData({ loading: false, name: me.display_name || '', projects });
    } catch (err) {
      this.setData({ loading: false, error: api.errorMessage(err) });
    }
  },

  open(e) {
    const { url, project, team } = e.currentTarget.dataset;
    wx.navigateTo({ url: `${url}?project_id=${project}${team ? `&team_id=${team}` : ''}` });
  },

  join() {
    wx.navigateTo({ url: '/pages/join/join' });
  },
});

const api = require('./utils/api');
const config = require('./utils/config');

App({
  globalData: {
    /** @type {number | null} the project the worker is looking at */
    projectId: null,
  },

  onLaunch() {
    api.configure({ baseUrl: config.baseUrl });
    // queued offline clocks go out as soon as the phone is back online
    wx.onNetworkStatusChange((res) => {
      if (res.isConnected) api.flushClockQueue();
    });
  },

  onShow() {
    // back from the background: send what waited (same Idempotency-Keys as before)
    if (api.queuedClocks().length) api.flushClockQueue();
  },
});

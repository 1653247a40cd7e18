// The phone's camera, location and signature canvas, as promises.

/**
 * A 2–3 frame burst from the front camera: never mirrored (a mirrored frame turns a left-turn
 * challenge into a right one), high quality, compressed as JPG.
 * @param {number} [count]
 * @returns {Promise<string[]>} temp file paths
 */
async function selfieBurst(count) {
  const camera = wx.createCameraContext();
  /** @type {string[]} */
  const frames = [];
  for (let i = 0; i < (count || 3); i += 1) {
    const photo = await new Promise((resolve, reject) => {
      camera.takePhoto({
        quality: 'high',
        selfieMirror: false,
        success: (res) => resolve(res.tempImagePath),
        fail: () => reject(new Error('无法使用相机，请在设置中允许使用摄像头')),
      });
    });
    frames.push(await compressJpg(photo));
  }
  return frames;
}

/** @param {string} src @returns {Promise<string>} */
function compressJpg(src) {
  return new Promise((resolve) => {
    wx.compressImage({ src, quality: 80, success: (res) => resolve(res.tempFilePath), fail: () => resolve(src) });
  });
}

/**
 * The phone's position in GCJ-02 (the coordinate system the site's fence is drawn in).
 * @returns {Promise<{lat: number, lng: number, accuracy_m: number}>}
 */
function location() {
  return new Promise((resolve, reject) => {
    wx.getLocation({
      type: 'gcj02',
      isHighAccuracy: true,
      success: (res) => resolve({
        lat: res.latitude, lng: res.longitude,
        accuracy_m: Math.max(1, Math.round(res.horizontalAccuracy || res.accuracy || 50)),
      }),
      fail: () => reject(new Error('无法获取位置，请在设置中允许使用位置信息')),
    });
  });
}

/**
 * Handlers for a handwritten-signature canvas (`<canvas canvas-id="…" bindtouchstart … >`),
 * and its export as PNG.
 * @param {string} canvasId
 */
function signaturePad(canvasId) {
  const ctx = wx.createCanvasContext(canvasId);
  let strokes = 0;
  return {
    start(e) {
      const t = e.touches[0];
      ctx.setStrokeStyle('#000000');
      ctx.setLineWidth(4);
      ctx.setLineCap('round');
      ctx.beginPath();
      ctx.moveTo(t.x, t.y);
    },
    move(e) {
      const t = e.touches[0];
      ctx.lineTo(t.x, t.y);
      ctx.stroke();
      ctx.draw(true);
      strokes += 1;
    },
    clear() {
      ctx.clearRect(0, 0, 1000, 1000);
      ctx.draw();
      strokes = 0;
    },
    get empty() { return strokes === 0; },
    /** @returns {Promise<string>} */
    toPng() {
      return new Promise((resolve, reject) => {
        wx.canvasToTempFilePath({
          canvasId, fileType: 'png',
          success: (res) => resolve(res.tempFilePath),
          fail: () => reject(new Error('签名导出失败，请重新签名')),
        });
      });
    },
  };
}

module.exports = { selfieBurst, location, signaturePad };

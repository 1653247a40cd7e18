// Draws every chart whose option the server rendered into #chart-options; when all have
// finished rendering, <body data-charts-rendered="N"> tells the browser test (and a person).
(function () {
  var options = JSON.parse(document.getElementById('chart-options').textContent);
  var ids = Object.keys(options);
  var done = 0;
  var charts = ids.map(function (id) {
    var chart = echarts.init(document.getElementById(id), null, { renderer: 'canvas' });
    chart.on('finished', function onFinished() {
      chart.off('finished', onFinished);
      done += 1;
      if (done === ids.length) { document.body.dataset.chartsRendered = String(done); }
    });
    chart.setOption(options[id]);
    return chart;
  });
  window.addEventListener('resize', function () { charts.forEach(function (c) { c.resize(); }); });
})();

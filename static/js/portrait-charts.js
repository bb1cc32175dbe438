// The portrait's radar and rank line (templates/rankings/public/portrait.html), drawn with
// the vendored Apache ECharts from the JSON the page carries. No inline script: the CSP
// allows our own static files only.
(function () {
  "use strict";
  function draw() {
    var source = document.getElementById("portrait-charts");
    if (!source || typeof echarts === "undefined") return;
    var data = JSON.parse(source.textContent);
    var red = "#b71c1c";
    var radarBox = document.getElementById("portrait-radar");
    if (radarBox && data.radar.length) {
      var radar = echarts.init(radarBox, null, { renderer: "svg" });
      radar.setOption({
        animation: false,
        radar: {
          indicator: data.radar.map(function (axis) { return { name: axis.label, max: 100 }; }),
          radius: "62%",
        },
        series: [{
          type: "radar",
          data: [{ value: data.radar.map(function (axis) { return axis.value; }) }],
          areaStyle: { color: red, opacity: 0.25 },
          lineStyle: { color: red },
          itemStyle: { color: red },
        }],
      });
      window.addEventListener("resize", function () { radar.resize(); });
    }
    var lineBox = document.getElementById("portrait-rank");
    if (lineBox && data.history.length > 1) {
      var line = echarts.init(lineBox, null, { renderer: "svg" });
      line.setOption({
        animation: false,
        grid: { left: 40, right: 16, top: 16, bottom: 32 },
        tooltip: {
          trigger: "axis",
          formatter: function (items) {
            var row = data.history[items[0].dataIndex];
            return row.period + " · " + data.labels.rank + " " + row.rank + " / " + row.of;
          },
        },
        xAxis: { type: "category", data: data.history.map(function (row) { return row.period; }) },
        yAxis: { type: "value", inverse: true, min: 1, minInterval: 1 },
        series: [{ type: "line", data: data.history.map(function (row) { return row.rank; }), color: red }],
      });
      window.addEventListener("resize", function () { line.resize(); });
    }
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();

/* Dashboard behaviour: sortable tables, the daily trend (ECharts), the coverage map (Leaflet). */
(function () {
  "use strict";

  document.querySelectorAll("table[data-sortable]").forEach(function (table) {
    table.querySelectorAll("thead th").forEach(function (th, column) {
      th.dataset.sort = "";
      th.addEventListener("click", function () {
        var body = table.tBodies[0];
        var ascending = th.dataset.sort !== "asc";
        table.querySelectorAll("thead th").forEach(function (other) { other.dataset.sort = ""; });
        th.dataset.sort = ascending ? "asc" : "desc";
        var rows = Array.prototype.slice.call(body.rows);
        var key = function (row) {
          var cell = row.cells[column];
          var value = cell.dataset.value !== undefined ? cell.dataset.value : cell.textContent.trim();
          var number = parseFloat(value);
          return isNaN(number) ? value : number;
        };
        rows.sort(function (a, b) {
          var x = key(a), y = key(b);
          var order = (typeof x === "number" && typeof y === "number") ? x - y : String(x).localeCompare(String(y), "zh-CN");
          return ascending ? order : -order;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
  });

  var trend = document.getElementById("trend");
  if (trend && window.echarts) {
    var days = JSON.parse(document.getElementById("trend-data").textContent);
    var chart = echarts.init(trend);
    chart.setOption({
      tooltip: { trigger: "axis" },
      legend: { data: ["走访", "入户", "签字"], top: 0 },
      grid: { left: 40, right: 16, top: 36, bottom: 30 },
      xAxis: { type: "category", data: days.map(function (d) { return d.day.slice(5); }) },
      yAxis: { type: "value", minInterval: 1 },
      series: [
        { name: "走访", type: "line", data: days.map(function (d) { return d.visits; }) },
        { name: "入户", type: "line", data: days.map(function (d) { return d.contacts; }) },
        { name: "签字", type: "bar", data: days.map(function (d) { return d.pledges; }) }
      ]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  var mapEl = document.getElementById("map");
  if (mapEl && window.L) {
    var colours = { red: "#e53935", amber: "#f5a623", green: "#07c160", grey: "#9e9e9e" };
    var map = L.map(mapEl, { zoomSnap: 0.25 });
    map.attributionControl.setPrefix(false);
    if (mapEl.dataset.tiles) {
      L.tileLayer(mapEl.dataset.tiles, { maxZoom: 19, attribution: mapEl.dataset.attribution || "" }).addTo(map);
    }
    // Names come from imported registers: a tooltip is built from a text node, never read as HTML.
    var tooltipOf = function (b) {
      var tip = document.createElement("span");
      tip.textContent = b.community + " · " + b.name + "：入户 " + b.contacted + "/" + b.in_scope;
      return tip;
    };
    fetch(mapEl.dataset.src, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (data) {
      var bounds = [], markers = [];
      data.buildings.forEach(function (b) {
        var marker = L.circleMarker([b.lat, b.lng], {
          radius: 8, weight: 1, color: "#333", fillColor: colours[b.colour], fillOpacity: 0.9
        }).addTo(map);
        marker.bindTooltip(tooltipOf(b));
        marker.on("click", function () { window.location.href = b.url; });
        markers.push({ marker: marker, building: b });
        bounds.push([b.lat, b.lng]);
      });
      if (bounds.length) { map.fitBounds(bounds, { padding: [20, 20] }); } else { map.setView([29.53, 108.77], 13); }
      // A marker has its element only once the map has a view.
      markers.forEach(function (m) {
        var element = m.marker.getElement();
        if (element) { element.setAttribute("data-building", m.building.id); element.setAttribute("data-colour", m.building.colour); }
      });
      mapEl.dataset.ready = String(data.buildings.length);
    });
  }
})();

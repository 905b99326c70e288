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
    var map = L.map(mapEl, { zoomSnap: 0.25 });
    map.attributionControl.setPrefix(false);
    if (mapEl.dataset.tiles) {
      L.tileLayer(mapEl.dataset.tiles, { maxZoom: 19, attribution: mapEl.dataset.attribution || "" }).addTo(map);
    }
    var list = document.getElementById("unplaced-list");
    var total = document.getElementById("unplaced-total");
    var none = document.getElementById("unplaced-none");
    var showCount = function () {
      total.textContent = String(unplacedCount);
      none.hidden = unplacedCount > 0;
    };
    var hint = document.getElementById("place-hint");
    var message = document.getElementById("map-message");
    var mayPlace = false, placing = null, unplacedCount = 0;
    var say = function (text, isError) {
      message.textContent = text;
      message.classList.toggle("is-error", !!isError);
    };
    // Names come from imported registers: every label is built from text nodes, never read as HTML.
    var text = function (tag, value, className) {
      var node = document.createElement(tag);
      node.textContent = value;
      if (className) { node.className = className; }
      return node;
    };
    var tooltipOf = function (b) {
      return text("span", b.community + " · " + b.name + "：入户 " + b.contacted + "/" + b.in_scope);
    };
    // Every write carries the page's CSRF token; an error answer has the one shape {code, status, message, errors}.
    var post = function (url, body) {
      return fetch(url, {
        method: "POST", credentials: "same-origin", body: JSON.stringify(body || {}),
        headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": mapEl.dataset.csrf }
      }).then(function (r) {
        return r.json().catch(function () { return {}; }).then(function (data) {
          if (!r.ok) { throw data; }
          return data;
        });
      });
    };
    var problem = function (error) {
      var details = [];
      Object.keys((error && error.errors) || {}).forEach(function (k) { details = details.concat(error.errors[k]); });
      return ((error && error.message) || "保存失败，请检查网络后重试") + (details.length ? "：" + details.join("；") : "");
    };

    var placedMarker = function (b) {
      var marker = L.marker([b.lat, b.lng], {
        icon: L.divIcon({ className: "qd-pin qd-pin--" + b.colour, iconSize: [18, 18], iconAnchor: [9, 9] }),
        draggable: mayPlace, keyboard: false, autoPan: true
      }).addTo(map);
      marker.bindTooltip(tooltipOf(b));
      marker.on("click", function () { if (!placing) { window.location.href = b.url; } });
      marker.on("dragend", function () {
        var to = marker.getLatLng();
        post(b.position_url, { lat: to.lat, lng: to.lng }).then(function (saved) {
          b.lat = saved.lat; b.lng = saved.lng;
          say("已移动 " + b.name + " 的位置");
        }).catch(function (error) {
          marker.setLatLng([b.lat, b.lng]);  // nothing was saved: the building goes back where it was
          say(problem(error), true);
        });
      });
      var element = marker.getElement();
      element.setAttribute("data-building", b.id);
      element.setAttribute("data-colour", b.colour);
      return marker;
    };

    var placed = function (b, saved, item, suggested) {
      b.lat = saved.lat; b.lng = saved.lng;
      if (suggested) { map.removeLayer(suggested); }
      if (item) { item.remove(); }
      unplacedCount -= 1;
      showCount();
      placedMarker(b);
      stopPlacing();
    };

    var stopPlacing = function () {
      placing = null;
      hint.hidden = true;
      mapEl.classList.remove("is-placing");
      list.querySelectorAll("li.is-placing").forEach(function (li) { li.classList.remove("is-placing"); });
    };

    var accept = function (b, item, suggested) {
      post(b.suggestion.accept_url).then(function (saved) {
        placed(b, saved, item, suggested);
        say("已采纳 " + b.name + " 的建议位置");
      }).catch(function (error) { say(problem(error), true); });
    };

    var unplacedItem = function (b) {
      var item = document.createElement("li");
      item.setAttribute("data-unplaced", b.id);
      item.appendChild(text("b", b.name));
      item.appendChild(text("span", " " + b.grid, "qm-sub"));
      var suggested = null;
      if (b.suggestion) {
        item.appendChild(text("div", "建议位置：按 " + b.suggestion.fixes + " 次入户定位推算", "qm-sub"));
        suggested = L.marker([b.suggestion.lat, b.suggestion.lng], {
          icon: L.divIcon({ className: "qd-pin qd-pin--suggested", iconSize: [18, 18], iconAnchor: [9, 9] }),
          draggable: mayPlace, keyboard: false
        }).addTo(map);
        suggested.bindTooltip(text("span", "建议位置 · " + b.name + "（" + b.suggestion.fixes + " 次入户定位）"));
        suggested.getElement().setAttribute("data-suggested", b.id);
        suggested.on("dragend", function () {
          var to = suggested.getLatLng();
          post(b.position_url, { lat: to.lat, lng: to.lng }).then(function (saved) {
            placed(b, saved, item, suggested);
            say("已标注 " + b.name + " 的位置");
          }).catch(function (error) {
            suggested.setLatLng([b.suggestion.lat, b.suggestion.lng]);
            say(problem(error), true);
          });
        });
      }
      if (mayPlace) {
        var actions = document.createElement("div");
        item.appendChild(actions);
        var place = text("button", "放到地图上", "weui-btn weui-btn_mini weui-btn_default");
        place.type = "button";
        place.addEventListener("click", function () {
          stopPlacing();
          placing = { building: b, item: item, suggested: suggested };
          item.classList.add("is-placing");
          mapEl.classList.add("is-placing");
          hint.textContent = "请点击地图上 " + b.name + " 所在的位置（再点“放到地图上”可换一栋）";
          hint.hidden = false;
          // On a phone the list sits below the map: bring the map back into view for the click.
          var box = mapEl.getBoundingClientRect();
          if (box.top < 0 || box.bottom > window.innerHeight) { mapEl.scrollIntoView({ block: "center" }); }
        });
        actions.appendChild(place);
        if (b.suggestion) {
          var take = text("button", "采纳建议位置", "weui-btn weui-btn_mini weui-btn_primary");
          take.type = "button";
          take.addEventListener("click", function () { accept(b, item, suggested); });
          actions.appendChild(take);
        }
      }
      list.appendChild(item);
    };

    map.on("click", function (event) {
      if (!placing) { return; }
      var target = placing;
      post(target.building.position_url, { lat: event.latlng.lat, lng: event.latlng.lng }).then(function (saved) {
        placed(target.building, saved, target.item, target.suggested);
        say("已标注 " + target.building.name + " 的位置");
      }).catch(function (error) { say(problem(error), true); });
    });

    fetch(mapEl.dataset.src, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (data) {
      mayPlace = !!data.may_place;
      var bounds = data.buildings.map(function (b) { return [b.lat, b.lng]; });
      data.unplaced.forEach(function (b) { if (b.suggestion) { bounds.push([b.suggestion.lat, b.suggestion.lng]); } });
      // Markers get their elements once the map has a view.
      if (bounds.length) { map.fitBounds(bounds, { padding: [20, 20], maxZoom: 18 }); } else { map.setView([29.53, 108.77], 13); }
      data.buildings.forEach(placedMarker);
      data.unplaced.forEach(unplacedItem);
      unplacedCount = data.unplaced.length;
      showCount();
      mapEl.dataset.ready = String(data.buildings.length);
    });
  }
})();

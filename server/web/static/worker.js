/* The grid worker's pages: a copy of the walk list and a queue of visits on the phone (IndexedDB),
   sent through the mini-program API whenever there is signal. A visit is never lost and never sent twice:
   each carries its own UUID, which the server uses to recognise a resend. */
(function () {
  "use strict";
  var API = "/api/mp/v1";

  // A browser's position is WGS-84 (the Geolocation API's system); the server, the map and the mini-program's
  // wx.getLocation({type: "gcj02"}) use GCJ-02 (国测局坐标), which lies a few hundred metres off inside China.
  // The published WGS-84 → GCJ-02 transform; outside China the two agree.
  function wgs84ToGcj02(lat, lng) {
    if (lng < 72.004 || lng > 137.8347 || lat < 0.8293 || lat > 55.8271) { return [lat, lng]; }
    var a = 6378245.0, ee = 0.00669342162296594323, PI = Math.PI, x = lng - 105.0, y = lat - 35.0;
    var dLat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
    dLat += (20.0 * Math.sin(6.0 * x * PI) + 20.0 * Math.sin(2.0 * x * PI)) * 2.0 / 3.0;
    dLat += (20.0 * Math.sin(y * PI) + 40.0 * Math.sin(y / 3.0 * PI)) * 2.0 / 3.0;
    dLat += (160.0 * Math.sin(y / 12.0 * PI) + 320.0 * Math.sin(y * PI / 30.0)) * 2.0 / 3.0;
    var dLng = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
    dLng += (20.0 * Math.sin(6.0 * x * PI) + 20.0 * Math.sin(2.0 * x * PI)) * 2.0 / 3.0;
    dLng += (20.0 * Math.sin(x * PI) + 40.0 * Math.sin(x / 3.0 * PI)) * 2.0 / 3.0;
    dLng += (150.0 * Math.sin(x / 12.0 * PI) + 300.0 * Math.sin(x / 30.0 * PI)) * 2.0 / 3.0;
    var radLat = lat / 180.0 * PI, magic = 1 - ee * Math.sin(radLat) * Math.sin(radLat), sqrtMagic = Math.sqrt(magic);
    dLat = (dLat * 180.0) / ((a * (1 - ee)) / (magic * sqrtMagic) * PI);
    dLng = (dLng * 180.0) / (a / sqrtMagic * Math.cos(radLat) * PI);
    return [lat + dLat, lng + dLng];
  }

  /* -- IndexedDB ---------------------------------------------------------------------------------- */
  function openDb() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open("qiaomen-worker", 1);
      request.onupgradeneeded = function () {
        var db = request.result;
        db.createObjectStore("app");
        db.createObjectStore("queue", { keyPath: "id" });
        db.createObjectStore("doors");
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }
  function tx(store, mode, work) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var t = db.transaction(store, mode);
        var request = work(t.objectStore(store));
        t.oncomplete = function () { resolve(request instanceof IDBRequest ? request.result : request); };
        t.onerror = function () { reject(t.error); };
      });
    });
  }
  var store = {
    get: function (name, key) { return tx(name, "readonly", function (s) { return s.get(key); }); },
    put: function (name, value, key) { return tx(name, "readwrite", function (s) { return key === undefined ? s.put(value) : s.put(value, key); }); },
    all: function (name) { return tx(name, "readonly", function (s) { return s.getAll(); }); },
    remove: function (name, key) { return tx(name, "readwrite", function (s) { return s["delete"](key); }); },
    clear: function (name) { return tx(name, "readwrite", function (s) { return s.clear(); }); }
  };

  /* -- the phone's copy of the walk list ------------------------------------------------------------ */
  function refreshApp() {
    return fetch("/w/app.json", { credentials: "same-origin" }).then(function (r) {
      if (!r.ok) { throw new Error("app.json " + r.status); }
      return r.json();
    }).then(function (data) {
      return store.put("app", data, "data").then(function () {
        return tx("doors", "readwrite", function (s) {
          s.clear();
          data.households.forEach(function (h) { s.put(h.id, h.token); });
        });
      }).then(function () { return data; });
    });
  }
  function appData() {
    return store.get("app", "data").then(function (data) {
      return refreshApp()["catch"](function () { return data; }).then(function (fresh) { return fresh || data; });
    });
  }

  function uuid() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  /* -- sending the queue ---------------------------------------------------------------------------- */
  function upload(token, blob, kind) {
    var form = new FormData();
    form.append("kind", kind);
    form.append("file", blob, kind === "photo" ? "photo.jpg" : "signature.png");
    return fetch(API + "/files", { method: "POST", body: form, headers: { Authorization: "Bearer " + token } })
      .then(function (r) {
        return r.json().then(function (body) {
          if (!r.ok) { var e = new Error(body.message || "上传失败"); e.refused = r.status < 500 && r.status !== 429; throw e; }
          return body.id;
        });
      });
  }
  function dataUrlToBlob(url) {
    var parts = url.split(","), bytes = atob(parts[1]), array = new Uint8Array(bytes.length);
    for (var i = 0; i < bytes.length; i++) { array[i] = bytes.charCodeAt(i); }
    return new Blob([array], { type: "image/png" });
  }
  function describe(errors) {
    return Object.keys(errors || {}).map(function (k) {
      var v = errors[k];
      return Array.isArray(v) ? v.join("；") : (typeof v === "object" ? describe(v) : String(v));
    }).join("；");
  }

  var syncing = null;
  function sync() {
    if (syncing) { return syncing; }
    syncing = Promise.all([store.all("queue"), store.get("app", "data")]).then(function (loaded) {
      var items = loaded[0].filter(function (i) { return i.status !== "refused"; }), app = loaded[1];
      if (!items.length || !app || !app.token) { return { sent: 0 }; }
      var token = app.token, outcome = { sent: 0, refused: 0 };
      return items.reduce(function (chain, item) {
        return chain.then(function () {
          var steps = Promise.resolve();
          if (item.photo && !item.visit.photo_file_id) {
            steps = steps.then(function () { return upload(token, item.photo, "photo"); })
              .then(function (id) { item.visit.photo_file_id = id; });
          }
          if (item.signature && item.visit.pledge && !item.visit.pledge.signature_file_id) {
            steps = steps.then(function () { return upload(token, dataUrlToBlob(item.signature), "signature"); })
              .then(function (id) { item.visit.pledge.signature_file_id = id; });
          }
          return steps.then(function () { return store.put("queue", item); }).then(function () {
            return fetch(API + "/sync", {
              method: "POST", headers: { "Content-Type": "application/json", Authorization: "Bearer " + token },
              body: JSON.stringify({ visits: [item.visit] })
            });
          }).then(function (r) {
            if (!r.ok) { throw new Error("同步失败（" + r.status + "）"); }
            return r.json();
          }).then(function (body) {
            var result = body.results[0];
            if (result.status === "created" || result.status === "duplicate") {
              outcome.sent += 1;
              item.result = result;
              return store.remove("queue", item.id);
            }
            item.status = "refused";
            item.reason = ({ conflict: "编号冲突", invalid: "内容有误", not_found: "不在您的网格" })[result.status] +
              "：" + describe(result.errors);
            outcome.refused += 1;
            return store.put("queue", item);
          })["catch"](function (error) {
            if (error.refused) {
              item.status = "refused"; item.reason = error.message; outcome.refused += 1;
              return store.put("queue", item);
            }
            throw error;  /* no signal: stop here, keep the rest for later */
          });
        });
      }, Promise.resolve()).then(function () { return outcome; });
    })["finally"](function () { syncing = null; });
    return syncing;
  }

  /* -- the home page's queue panel ------------------------------------------------------------------ */
  function renderQueue() {
    var panel = document.getElementById("queue");
    if (!panel) { return Promise.resolve(); }
    return store.all("queue").then(function (items) {
      panel.hidden = items.length === 0;
      document.getElementById("queue-count").textContent = items.length;
      var list = document.getElementById("queue-list");
      list.innerHTML = "";
      items.forEach(function (item) {
        var li = document.createElement("li");
        li.className = item.status === "refused" ? "refused" : "";
        li.setAttribute("data-testid", "queued");
        li.textContent = item.label + " · " + item.outcomeLabel + " · " +
          (item.status === "refused" ? "未被接收：" + item.reason : "待同步");
        list.appendChild(li);
      });
    });
  }
  function homePage() {
    var status = document.getElementById("sync-status");
    refreshApp()["catch"](function () {});
    renderQueue().then(function () { return sync(); }).then(renderQueue)["catch"](function () {});
    document.getElementById("sync-now").addEventListener("click", function () {
      status.textContent = "正在同步…";
      sync().then(function (o) {
        status.textContent = "已同步 " + o.sent + " 条" + (o.refused ? "，" + o.refused + " 条未被接收" : "");
      })["catch"](function () { status.textContent = "没有网络，稍后再试"; }).then(renderQueue);
    });
    document.getElementById("clear-queue").addEventListener("click", function () {
      if (window.confirm("清空后，这些还没同步的走访记录将永久丢失。确定清空吗？")) {
        store.clear("queue").then(renderQueue);
      }
    });
  }

  /* -- the visit form ------------------------------------------------------------------------------- */
  var OUTCOMES = { contacted: "入户宣传", not_home: "无人在家", refused: "拒绝", vacant: "空置" };
  var STATE = function (p) {
    if (!p) { return "未走访"; }
    return p.documented ? "三有齐全" : p.pledged ? "已签字" : p.contacted ? "已入户" : p.revisit_due ? "待回访" :
      p.visited ? "已走访" : "未走访";
  };

  function downscale(file) {
    return new Promise(function (resolve, reject) {
      if (!/^image\//.test(file.type)) { reject(new Error("请选择照片文件")); return; }
      if (file.size > 30 * 1024 * 1024) { reject(new Error("照片太大，请重新拍摄")); return; }
      var image = new Image(), url = URL.createObjectURL(file);
      image.onload = function () {
        var scale = Math.min(1, 1600 / Math.max(image.width, image.height));
        var canvas = document.createElement("canvas");
        canvas.width = Math.round(image.width * scale); canvas.height = Math.round(image.height * scale);
        canvas.getContext("2d").drawImage(image, 0, 0, canvas.width, canvas.height);
        URL.revokeObjectURL(url);
        canvas.toBlob(function (blob) { resolve(blob); }, "image/jpeg", 0.85);
      };
      image.onerror = function () { URL.revokeObjectURL(url); reject(new Error("这不是一张能打开的照片")); };
      image.src = url;
    });
  }

  function visitPage() {
    var params = new URLSearchParams(location.search), householdId = Number(params.get("household"));
    var form = document.getElementById("visit-form"), photo = null, location_ = null;
    var pad = new SignaturePad(document.getElementById("signature-pad"), { minWidth: 1.2, maxWidth: 3.2 });
    var canvas = document.getElementById("signature-pad");
    function resize() {
      var ratio = Math.max(window.devicePixelRatio || 1, 1), data = pad.toData();
      canvas.width = canvas.offsetWidth * ratio; canvas.height = canvas.offsetHeight * ratio;
      canvas.getContext("2d").scale(ratio, ratio); pad.clear(); pad.fromData(data);
    }
    window.addEventListener("resize", resize); resize();
    document.getElementById("pad-clear").addEventListener("click", function () { pad.clear(); });
    document.getElementById("pad-undo").addEventListener("click", function () {
      var d = pad.toData(); if (d.length) { d.pop(); pad.fromData(d); }
    });
    function showError(id, message) {
      var el = document.getElementById(id); el.textContent = message || ""; el.hidden = !message;
    }
    var net = document.getElementById("net-state");
    function netState() { net.textContent = navigator.onLine ? "在线" : "离线：保存到手机，有信号时同步"; }
    window.addEventListener("online", function () { netState(); sync()["catch"](function () {}); });
    window.addEventListener("offline", netState); netState();

    if (navigator.geolocation) {
      navigator.geolocation.getCurrentPosition(function (p) {
        var fix = wgs84ToGcj02(p.coords.latitude, p.coords.longitude);  // the server keeps GCJ-02, like the map
        location_ = { lat: fix[0], lng: fix[1], accuracy_m: Math.round(p.coords.accuracy) };
        document.getElementById("gps").textContent = "已定位（精度约 " + location_.accuracy_m + " 米）";
      }, function () { document.getElementById("gps").textContent = "未能获取位置（不影响保存）"; },
      { enableHighAccuracy: true, timeout: 8000, maximumAge: 60000 });
    } else { document.getElementById("gps").textContent = "此浏览器不能定位"; }

    document.getElementById("photo").addEventListener("change", function (event) {
      var file = event.target.files[0];
      showError("error-photo", "");
      if (!file) { return; }
      downscale(file).then(function (blob) {
        photo = blob;
        var preview = document.getElementById("photo-preview");
        preview.src = URL.createObjectURL(blob); preview.hidden = false;
      })["catch"](function (error) { photo = null; showError("error-photo", error.message); event.target.value = ""; });
    });

    appData().then(function (app) {
      if (!app || !app.campaign) { document.getElementById("household-label").textContent = "没有进行中的活动"; return; }
      var household = app.households.filter(function (h) { return h.id === householdId; })[0];
      if (!household) { document.getElementById("household-label").textContent = "这户不在您的网格"; form.hidden = true; return; }
      document.getElementById("household-label").textContent = household.label;
      document.getElementById("household-progress").textContent = "目前：" + STATE(household.progress) +
        (household.progress && household.progress.visits ? "，已走访 " + household.progress.visits + " 次" : "");
      if (app.campaign.pledge_text) {
        document.getElementById("pledge-version").textContent = app.campaign.pledge_text.title + " 第 " + app.campaign.pledge_text.version + " 版";
      }
      var box = document.getElementById("materials");
      app.campaign.materials.forEach(function (m) {
        var row = document.createElement("div");
        row.className = "qw-material";
        row.innerHTML = "<span></span><span class='qw-stepper'><button type='button' aria-label='减少'>−</button>" +
          "<b data-code=''>0</b><button type='button' aria-label='增加'>+</button></span>";
        row.firstChild.textContent = m.name;
        var count = row.querySelector("b"); count.setAttribute("data-code", m.code);
        row.setAttribute("data-testid", "material-" + m.code);
        var buttons = row.querySelectorAll("button");
        buttons[0].addEventListener("click", function () { count.textContent = Math.max(0, Number(count.textContent) - 1); });
        buttons[1].addEventListener("click", function () { count.textContent = Math.min(99, Number(count.textContent) + 1); });
        box.appendChild(row);
      });
      var quiz = app.campaign.quiz, quizBox = document.getElementById("quiz-questions");
      function choices(name, legend, options) {
        var set = document.createElement("fieldset"), title = document.createElement("legend");
        set.className = "qm-relations";
        set.setAttribute("data-testid", "quiz-" + name);
        title.className = "qm-label";
        title.textContent = legend;
        set.appendChild(title);
        options.forEach(function (option, index) {
          var label = document.createElement("label"), input = document.createElement("input");
          label.className = "qm-choice";
          input.type = "radio"; input.name = "quiz-" + name; input.value = String(index);
          label.appendChild(input);
          label.appendChild(document.createTextNode(option));
          set.appendChild(label);
        });
        quizBox.appendChild(set);
      }
      if (quiz) {
        document.getElementById("quiz").hidden = false;
        document.getElementById("quiz-version").textContent = "第 " + quiz.version + " 版";
        quiz.questions.forEach(function (q, i) { choices("q" + i, (i + 1) + ". " + q.text, q.options); });
        if (quiz.satisfaction_question) { choices("satisfaction", quiz.satisfaction_question, quiz.satisfaction_options); }
      }
      function chosen(name) {
        var input = form.querySelector("input[name='quiz-" + name + "']:checked");
        return input ? Number(input.value) : null;
      }
      var next = app.households.filter(function (h) {
        return h.id !== householdId && h.occupancy !== "vacant" && (!h.progress || !h.progress.contacted);
      });
      var after = next.filter(function (h) { return app.households.indexOf(h) > app.households.indexOf(household); });
      var target = (after.length ? after : next)[0];
      if (target) { document.getElementById("next-door").href = "/w/visit?household=" + target.id; }

      form.addEventListener("change", function () {
        var contacted = form.outcome.value === "contacted";
        document.querySelectorAll(".qw-contacted").forEach(function (s) { s.hidden = !contacted || (s.id === "quiz" && !quiz); });
      });
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        ["error-outcome", "error-materials", "error-pledge", "error-quiz"].forEach(function (id) { showError(id, ""); });
        var outcome = form.outcome.value, note = document.getElementById("note").value.trim();
        var materials = [];
        box.querySelectorAll("b[data-code]").forEach(function (b) {
          if (Number(b.textContent) > 0) { materials.push({ code: b.getAttribute("data-code"), quantity: Number(b.textContent) }); }
        });
        if (outcome === "contacted" && !materials.length) { showError("error-materials", "入户宣传至少要发放一种资料"); return; }
        if (outcome === "vacant" && !photo && !note) { showError("error-outcome", "登记空置需要拍照或填写备注"); return; }
        var signer = document.getElementById("signer-name").value.trim();
        if (outcome === "contacted" && !pad.isEmpty() && !signer) { showError("error-pledge", "请填写签字人姓名"); return; }
        if (outcome === "contacted" && signer && pad.isEmpty()) { showError("error-pledge", "请让居民在框内签名"); return; }
        var visit = { id: uuid(), campaign_id: app.campaign.id, household_id: householdId, outcome: outcome,
                      visited_at: new Date().toISOString(), materials: outcome === "contacted" ? materials : [],
                      location: location_, note: note || null };
        if (outcome === "contacted" && quiz) {
          var answers = quiz.questions.map(function (q, i) { return chosen("q" + i); });
          var given = answers.filter(function (a) { return a !== null; }).length, satisfaction = chosen("satisfaction");
          if (given && given < answers.length) { showError("error-quiz", "请回答全部 " + answers.length + " 道题，或都不答"); return; }
          if (given || satisfaction !== null) {
            visit.quiz = { quiz_version: quiz.version, answers: given ? answers : [], satisfaction: satisfaction };
          }
        }
        var category = document.getElementById("feedback-category").value, text = document.getElementById("feedback-text").value.trim();
        if (outcome === "contacted" && category && text) { visit.feedback = { category: category, text: text }; }
        var item = { id: visit.id, label: household.label, outcomeLabel: OUTCOMES[outcome], visit: visit, photo: photo,
                     status: "pending", queuedAt: Date.now() };
        if (outcome === "contacted" && signer) {
          var relation = form.querySelector("input[name=relation]:checked").value;
          visit.pledge = { signer_name: signer, relation: relation, signature_file_id: null,
                           pledge_text_version: app.campaign.pledge_text ? app.campaign.pledge_text.version : null };
          item.signature = pad.toDataURL("image/png");
        }
        var button = document.getElementById("save");
        button.disabled = true;
        store.put("queue", item).then(function () {
          form.hidden = true;
          document.getElementById("saved").hidden = false;
          document.getElementById("saved-title").textContent = "已保存到手机";
          document.getElementById("saved-state").textContent = "正在同步…";
          return sync();
        }).then(function () { return store.get("queue", item.id); }).then(function (left) {
          if (!left) {
            document.getElementById("saved-title").textContent = "已保存";
            return refreshApp().then(function (fresh) {
              var now = fresh.households.filter(function (h) { return h.id === householdId; })[0];
              document.getElementById("saved-state").textContent = "这户现在：" + STATE(now && now.progress);
            });
          }
          document.getElementById("saved-state").textContent = left.status === "refused" ?
            "未被接收：" + left.reason : "待同步：有信号时自动发送，或在清单页点“同步”";
        })["catch"](function () {
          document.getElementById("saved-state").textContent = "待同步：有信号时自动发送，或在清单页点“同步”";
        });
      });
    });
  }

  /* -- logging out: never drops unsent visits silently ------------------------------------------------ */
  // The phone's copy of the doors, the bearer token and the cached pages go only when the queue is empty, or when
  // the worker explicitly gives up what is still queued.
  function forgetPhoneCopy() {
    var stores = ["app", "doors", "queue"].map(function (name) { return store.clear(name); });
    var pages = window.caches ? caches.keys().then(function (keys) {
      return Promise.all(keys.map(function (key) { return caches["delete"](key); }));
    }) : Promise.resolve();
    return Promise.all(stores.concat([pages]));
  }
  function logoutDialog(count, form) {
    var old = document.getElementById("logout-dialog");
    if (old) { old.parentNode.removeChild(old); }
    var box = document.createElement("div"), text = document.createElement("p"), note = document.createElement("p");
    box.id = "logout-dialog";
    box.className = "qm-card qw-logout";
    box.setAttribute("role", "alertdialog");
    box.setAttribute("data-testid", "logout-dialog");
    text.setAttribute("data-testid", "logout-count");
    text.textContent = "还有 " + count + " 条走访记录没有发送到服务器。退出登录会清除手机上的门牌数据和登录凭证。";
    note.className = "qm-sub";
    note.setAttribute("role", "status");
    box.appendChild(text);
    box.appendChild(note);
    function button(label, kind, action) {
      var b = document.createElement("button");
      b.type = "button";
      b.className = "weui-btn weui-btn_mini " + kind;
      b.textContent = label;
      b.addEventListener("click", action);
      box.appendChild(b);
    }
    function leave() { forgetPhoneCopy().then(function () { form.submit(); }); }
    button("先同步再退出", "weui-btn_primary", function () {
      note.textContent = "正在同步…";
      sync().then(function () { return store.all("queue"); }).then(function (left) {
        if (!left.length) { leave(); return; }
        text.textContent = "仍有 " + left.length + " 条走访记录没有发送成功（可在清单页查看原因）。";
        note.textContent = "";
      })["catch"](function () { note.textContent = "没有网络，无法同步；请有信号时再试"; });
    });
    button("放弃这些记录并退出", "weui-btn_warn", function () {
      store.all("queue").then(function (left) {
        if (!left.length || window.confirm("这 " + left.length + " 条走访记录将永久丢失，确定放弃并退出吗？")) { leave(); }
      });
    });
    button("取消", "weui-btn_default", function () { box.parentNode.removeChild(box); });
    form.parentNode.insertBefore(box, form);
  }
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute || !form.hasAttribute("data-logout")) { return; }
    event.preventDefault();
    store.all("queue").then(function (items) {
      if (!items.length) { return forgetPhoneCopy().then(function () { form.submit(); }); }
      logoutDialog(items.length, form);
    })["catch"](function () { form.submit(); });  // no readable queue on this phone: nothing to keep or to clear
  });

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/w/sw.js", { scope: "/" })["catch"](function () {});
  }
  var page = document.querySelector("[data-page]");
  if (page && page.getAttribute("data-page") === "home") { homePage(); }
  if (page && page.getAttribute("data-page") === "visit") { visitPage(); }
  window.qiaomenWorker = { store: store, sync: sync, refreshApp: refreshApp };
})();

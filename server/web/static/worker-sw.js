/* The worker's service worker: keeps the pages and their assets, and opens a door code without signal
   by finding the door in the phone's copy of the walk list. */
var CACHE = "qiaomen-worker-v1";
var SHELL = ["/w/", "/w/visit", "/w/offline", "/static/app.css", "/static/worker.js",
             "/assets/vendor/weui.min.css", "/assets/vendor/signature_pad.umd.min.js"];

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return Promise.all(SHELL.map(function (url) {
      return fetch(url, { credentials: "same-origin" }).then(function (r) { if (r.ok) { return cache.put(url, r); } })
        ["catch"](function () {});
    }));
  }).then(function () { return self.skipWaiting(); }));
});
self.addEventListener("activate", function (event) { event.waitUntil(self.clients.claim()); });

function doorHousehold(token) {
  return new Promise(function (resolve) {
    var request = indexedDB.open("qiaomen-worker", 1);
    request.onerror = function () { resolve(null); };
    request.onupgradeneeded = function () { request.transaction.abort(); resolve(null); };
    request.onsuccess = function () {
      try {
        var get = request.result.transaction("doors", "readonly").objectStore("doors").get(token);
        get.onsuccess = function () { resolve(get.result || null); };
        get.onerror = function () { resolve(null); };
      } catch (e) { resolve(null); }
    };
  });
}

function fromCache(request, fallback) {
  return caches.match(request, { ignoreSearch: true }).then(function (hit) {
    return hit || (fallback ? caches.match(fallback) : undefined) || Response.error();
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request, url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== location.origin || url.pathname.indexOf("/api/") === 0) { return; }
  var door = url.pathname.match(/^\/q\/([A-Za-z0-9_-]+)$/);
  if (request.mode === "navigate" && door) {
    event.respondWith(fetch(request)["catch"](function () {
      return doorHousehold(door[1]).then(function (id) {
        return id ? Response.redirect("/w/visit?household=" + id, 302) : caches.match("/w/offline");
      });
    }));
    return;
  }
  if (url.pathname === "/w/" || url.pathname === "/w/visit" || url.pathname === "/w/offline") {
    event.respondWith(fetch(request).then(function (response) {
      if (response.ok && !response.redirected) {
        var copy = response.clone();
        caches.open(CACHE).then(function (cache) { cache.put(url.pathname, copy); });
      }
      return response;
    })["catch"](function () { return fromCache(url.pathname, "/w/offline"); }));
    return;
  }
  if (url.pathname.indexOf("/static/") === 0 || url.pathname.indexOf("/assets/vendor/") === 0) {
    /* the kept copy at once, refreshed behind it for next time */
    event.respondWith(caches.match(request).then(function (hit) {
      var fresh = fetch(request).then(function (response) {
        if (response.ok) {
          var copy = response.clone();
          caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
        }
        return response;
      });
      if (hit) { fresh["catch"](function () {}); return hit; }
      return fresh;
    }));
  }
});

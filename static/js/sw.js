// The family app's service worker: keeps the shell for offline use and shows Web Push messages.
"use strict";
var CACHE = "portal-shell-v1";
var OFFLINE = new URL("offline", self.location).href;
var SHELL = [OFFLINE, new URL("../static/css/portal.css", self.location).href,
  new URL("../static/img/icon-192.png", self.location).href];

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) { return cache.addAll(SHELL); })
    .then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) { return name !== CACHE; })
      .map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.mode === "navigate") {
    // Pages are private and never cached: online they come from the server, offline the notice.
    event.respondWith(fetch(request).catch(function () { return caches.match(OFFLINE); }));
  } else if (request.method === "GET" && SHELL.indexOf(request.url) !== -1) {
    event.respondWith(fetch(request).catch(function () { return caches.match(request); }));
  }
});

self.addEventListener("push", function (event) {
  var data = event.data ? event.data.json() : {};
  event.waitUntil(self.registration.showNotification(data.title || "", {
    body: data.body || "", icon: new URL("../static/img/icon-192.png", self.location).href,
    data: {url: data.url || self.registration.scope}}));
});

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  event.waitUntil(self.clients.openWindow(event.notification.data.url));
});

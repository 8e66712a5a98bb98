// The installable family app: register the service worker; turn Web Push on or off on this device.
(function () {
  "use strict";
  var script = document.currentScript;
  if (!("serviceWorker" in navigator) || !script) { return; }
  var ready = navigator.serviceWorker.register(script.dataset.serviceWorker, {scope: script.dataset.scope});

  function keyBytes(base64url) {
    var padded = (base64url + "===".slice((base64url.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    return Uint8Array.from(atob(padded), function (c) { return c.charCodeAt(0); });
  }

  function post(url, csrf, body) {
    return fetch(url, {method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": csrf}, body: JSON.stringify(body)})
      .then(function (response) { if (!response.ok) { throw new Error(response.statusText); } });
  }

  function setUp(section) {
    if (!("PushManager" in window)) { return; }
    var on = section.querySelector("[data-push-on]"), off = section.querySelector("[data-push-off]");
    var status = section.querySelector("[data-push-status]");
    function show(subscribed) {
      on.hidden = subscribed; off.hidden = !subscribed;
      status.textContent = section.querySelector(subscribed ? "[data-push-text-on]" : "[data-push-text-off]").textContent;
    }
    section.hidden = false;
    ready.then(function (registration) {
      return registration.pushManager.getSubscription();
    }).then(function (subscription) {
      if (!subscription) { return false; }
      // Signing out everywhere forgets the device on the portal: turn the browser's off too.
      return fetch(section.dataset.checkUrl, {method: "POST", credentials: "same-origin",
        headers: {"Content-Type": "application/json", "X-CSRFToken": section.dataset.csrf},
        body: JSON.stringify({endpoint: subscription.endpoint})})
        .then(function (response) { return response.ok ? response.json() : {subscribed: true}; })
        .then(function (answer) {
          return answer.subscribed || subscription.unsubscribe().then(function () { return false; });
        });
    }).then(function (subscribed) { show(Boolean(subscribed)); });
    on.addEventListener("click", function () {
      ready.then(function (registration) {
        return registration.pushManager.subscribe({userVisibleOnly: true,
          applicationServerKey: keyBytes(section.dataset.key)});
      }).then(function (subscription) {
        return post(section.dataset.subscribeUrl, section.dataset.csrf, subscription.toJSON());
      }).then(function () { show(true); }, function () {
        status.textContent = section.querySelector("[data-push-text-denied]").textContent;
      });
    });
    off.addEventListener("click", function () {
      ready.then(function (registration) {
        return registration.pushManager.getSubscription();
      }).then(function (subscription) {
        if (!subscription) { return null; }
        return post(section.dataset.unsubscribeUrl, section.dataset.csrf, {endpoint: subscription.endpoint})
          .then(function () { return subscription.unsubscribe(); });
      }).then(function () { show(false); });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var section = document.querySelector("[data-push-toggle]");
    if (section) { setUp(section); }
  });
}());

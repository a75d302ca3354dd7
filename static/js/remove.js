/* "Remove from this device": delete what this site stored in the browser, then leave.
 *
 * Module root: form[data-module~="remove"], the removal form (a plain POST without JavaScript);
 * data-exit is where to go when no quick exit is on the page; data-i18n-working is announced in
 * [data-remove-status] while it works.
 *
 * The server's answer to the form also carries Clear-Site-Data, which does the same (and empties
 * the HTTP cache); doing it here as well makes removal work offline and in browsers that ignore
 * the header. Leaving goes through the quick exit ("tirek:leave"), so every open tab leaves.
 */
(function () {
  'use strict';
  var NAME = 'remove';
  var WORKING = 'Removing…';
  var SERVER_WAIT_MS = 3000;
  if (!window.Promise) return;

  function ignore() {}

  function settle(promise) {
    return promise.then(ignore, ignore);
  }

  function unregisterServiceWorkers() {
    if (!('serviceWorker' in navigator)) return Promise.resolve();
    return navigator.serviceWorker.getRegistrations().then(function (registrations) {
      return Promise.all(registrations.map(function (r) { return settle(r.unregister()); }));
    });
  }

  function deleteCaches() {
    if (!window.caches) return Promise.resolve();
    return caches.keys().then(function (keys) {
      return Promise.all(keys.map(function (key) { return settle(caches.delete(key)); }));
    });
  }

  function deleteDatabases() {
    if (!window.indexedDB || !indexedDB.databases) return Promise.resolve();
    return indexedDB.databases().then(function (databases) {
      databases.forEach(function (db) { indexedDB.deleteDatabase(db.name); });
    });
  }

  function clearWebStorage() {
    try { localStorage.clear(); sessionStorage.clear(); } catch (error) { /* blocked: nothing stored */ }
    return Promise.resolve();
  }

  function start(form) {
    var action = new URL(form.getAttribute('action') || '', document.baseURI).href;

    // Best effort: offline or blocked, the local removal has already happened.
    function askServer() {
      var request = fetch(action, { method: 'POST', cache: 'no-store', credentials: 'same-origin' });
      var timeout = new Promise(function (resolve) { setTimeout(resolve, SERVER_WAIT_MS); });
      return Promise.race([settle(request), timeout]);
    }

    function leave() {
      var asked = new CustomEvent('tirek:leave', { cancelable: true, detail: { offlineCover: false } });
      if (document.dispatchEvent(asked)) location.replace(form.getAttribute('data-exit'));
    }

    form.addEventListener('submit', function (event) {
      event.preventDefault();
      var button = form.querySelector('button');
      var status = document.querySelector('[data-remove-status]');
      if (button) button.disabled = true;
      if (status) status.textContent = form.getAttribute('data-i18n-working') || WORKING;
      var local = [unregisterServiceWorkers(), deleteCaches(), deleteDatabases(), clearWebStorage()];
      Promise.all(local.map(settle)).then(askServer).then(leave, leave);
    });
  }

  // GOV.UK-style start-up: each root once, now and whenever the reader brings in new content.
  function startAll(scope) {
    var selector = '[data-module~="' + NAME + '"]';
    var roots = Array.prototype.slice.call(scope.querySelectorAll(selector));
    if (scope.matches && scope.matches(selector)) roots.unshift(scope);
    roots.forEach(function (root) {
      if (root.hasAttribute('data-' + NAME + '-init')) return;
      root.setAttribute('data-' + NAME + '-init', '');
      start(root);
    });
  }

  startAll(document);
  document.addEventListener('tirek:content', function (event) { startAll(event.target); });
})();

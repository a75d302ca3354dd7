/* "Remove from this device": delete what this site stored in the browser, then leave.
 *
 * The server's answer to the form also carries Clear-Site-Data, which does the same (and empties
 * the HTTP cache); doing it here as well makes removal work offline and in browsers that ignore
 * the header.
 */
(function () {
  'use strict';

  var form = document.querySelector('form[data-remove]');
  if (!form || !window.Promise) return;
  var status = document.querySelector('[data-remove-status]');
  var SERVER_WAIT_MS = 3000;

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

  // Best effort: offline or blocked, the local removal above has already happened.
  function askServer() {
    var request = fetch(form.action, { method: 'POST', cache: 'no-store', credentials: 'same-origin' });
    var timeout = new Promise(function (resolve) { setTimeout(resolve, SERVER_WAIT_MS); });
    return Promise.race([settle(request), timeout]);
  }

  function leave() {
    if (window.TirekExit) {
      window.TirekExit.leave({ offlineCover: false });
    } else {
      location.replace(form.getAttribute('data-exit'));
    }
  }

  form.addEventListener('submit', function (event) {
    event.preventDefault();
    var button = form.querySelector('button');
    if (button) button.disabled = true;
    if (status) status.textContent = status.getAttribute('data-working');
    var local = [unregisterServiceWorkers(), deleteCaches(), deleteDatabases(), clearWebStorage()];
    Promise.all(local.map(settle)).then(askServer).then(leave, leave);
  });
})();

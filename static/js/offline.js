/* Offline use: saves the site on the device with the service worker (sw.js), tells the reader
 * whether it is saved, and offers a new version when one is ready. Reading needs none of this.
 *
 * Module root: [data-module~="offline-status"], lines marked data-state, one shown at a time;
 * data-service-worker is the worker's URL relative to the page, so the site works under any
 * path prefix. Module root: [data-module~="update-prompt"], with [data-update-accept] and
 * [data-update-later] buttons. The translated texts are in the page; this file only shows them.
 * The worker is registered once; roots brought in later by the reader show the same state.
 */
(function () {
  'use strict';
  var workers = navigator.serviceWorker;
  var state = null; // which data-state line to show
  var waiting = null; // a new version waiting for the reader
  var dismissed = false;
  var registered = false;

  function roots(name) {
    return document.querySelectorAll('[data-module~="' + name + '"]');
  }

  function showStatus(next) {
    state = next;
    Array.prototype.forEach.call(roots('offline-status'), renderStatus);
  }

  function renderStatus(root) {
    if (!state) return;
    Array.prototype.forEach.call(root.querySelectorAll('[data-state]'), function (line) {
      line.hidden = line.getAttribute('data-state') !== state;
    });
    root.hidden = false;
  }

  function renderPrompt(root) {
    var accept = root.querySelector('[data-update-accept]');
    root.hidden = !waiting || dismissed;
    if (accept) accept.disabled = false;
  }

  function offerUpdate(worker) {
    if (!workers.controller) return;
    waiting = worker;
    dismissed = false;
    Array.prototype.forEach.call(roots('update-prompt'), renderPrompt);
  }

  function startPrompt(root) {
    var accept = root.querySelector('[data-update-accept]');
    var later = root.querySelector('[data-update-later]');
    if (accept) {
      accept.addEventListener('click', function () {
        accept.disabled = true;
        if (waiting) waiting.postMessage({ type: 'SKIP_WAITING' });
      });
    }
    if (later) {
      later.addEventListener('click', function () {
        dismissed = true;
        root.hidden = true;
      });
    }
    renderPrompt(root);
  }

  function startStatus(root) {
    if (!workers) {
      showStatus('unsupported');
      return;
    }
    renderStatus(root);
    if (!registered) {
      registered = true;
      register(new URL(root.getAttribute('data-service-worker'), document.baseURI).href);
    }
    // The worker opens the root in the language the reader used last (after a language switch
    // by the reader module, this root is new and says the new language).
    workers.ready.then(function (registration) {
      registration.active.postMessage({ type: 'LANGUAGE', lang: document.documentElement.lang });
    });
  }

  function standalone() {
    return window.matchMedia && window.matchMedia('(display-mode: standalone)').matches;
  }

  /* Ask the browser not to delete the saved site when space runs low. Firefox asks the reader, so
   * ask when the site has just been saved, and in the installed app, where Chromium grants it. */
  function showSaved(ask) {
    var storage = navigator.storage;
    if (!storage || !storage.persisted) {
      showStatus('saved-temporary');
      return;
    }
    storage.persisted().then(function (persisted) {
      return persisted || !(ask || standalone()) ? persisted : storage.persist();
    }).then(function (persisted) {
      showStatus(persisted ? 'saved' : 'saved-temporary');
    }, function () {
      showStatus('saved-temporary');
    });
  }

  function follow(registration, worker) {
    var first = !registration.active;
    if (first) showStatus('saving');
    worker.addEventListener('statechange', function () {
      if (worker.state === 'installed') {
        offerUpdate(worker);
      } else if (worker.state === 'activated' && first) {
        showSaved(true);
      } else if (worker.state === 'redundant' && !registration.active) {
        showStatus('failed');
      }
    });
  }

  function register(url) {
    // Whether this page was already served by a worker: then a new controller means an accepted
    // update, and the page reloads so that nothing from the old version stays on screen.
    var hadController = Boolean(workers.controller);
    var reloading = false;
    workers.addEventListener('controllerchange', function () {
      // A null controller means the worker was removed (e.g. "Remove from this device"): no reload.
      if (hadController && workers.controller && !reloading) {
        reloading = true;
        window.location.reload();
      }
      hadController = true;
    });
    workers.register(url).then(function (registration) {
      if (registration.active) showSaved(false);
      if (registration.waiting) offerUpdate(registration.waiting);
      if (registration.installing) follow(registration, registration.installing);
      registration.addEventListener('updatefound', function () {
        follow(registration, registration.installing);
      });
      // Back from a place without a network: look for new content at once.
      window.addEventListener('online', function () {
        registration.update().catch(function () {});
      });
    }, function () {
      showStatus('failed');
    });
  }

  // GOV.UK-style start-up: each root once, now and whenever the reader brings in new content.
  var MODULES = { 'offline-status': startStatus, 'update-prompt': startPrompt };

  function startAll(scope) {
    Object.keys(MODULES).forEach(function (name) {
      var selector = '[data-module~="' + name + '"]';
      var found = Array.prototype.slice.call(scope.querySelectorAll(selector));
      if (scope.matches && scope.matches(selector)) found.unshift(scope);
      found.forEach(function (root) {
        if (root.hasAttribute('data-' + name + '-init')) return;
        root.setAttribute('data-' + name + '-init', '');
        MODULES[name](root);
      });
    });
  }

  startAll(document);
  document.addEventListener('tirek:content', function (event) { startAll(event.target); });
}());

/* Offline use: saves the site on the device with the service worker (sw.js), tells the reader
 * whether it is saved, and offers a new version when one is ready. Reading needs none of this.
 *
 * The script tag carries the worker's URL relative to the page (data-service-worker), so the site
 * works under any path prefix. The translated texts are in the page; this file only shows them.
 */
(function () {
  'use strict';

  var script = document.currentScript;
  var status = document.querySelector('[data-offline-status]');
  var prompt = document.querySelector('[data-update-prompt]');

  function showStatus(state) {
    if (!status) {
      return;
    }
    var lines = status.querySelectorAll('[data-state]');
    for (var i = 0; i < lines.length; i++) {
      lines[i].hidden = lines[i].getAttribute('data-state') !== state;
    }
    status.hidden = false;
  }

  if (!('serviceWorker' in navigator) || !script) {
    showStatus('unsupported');
    return;
  }

  var workers = navigator.serviceWorker;
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

  function offerUpdate(worker) {
    if (!prompt || !workers.controller) {
      return;
    }
    var accept = prompt.querySelector('[data-update-accept]');
    var later = prompt.querySelector('[data-update-later]');
    prompt.hidden = false;
    accept.disabled = false;
    accept.onclick = function () {
      accept.disabled = true;
      worker.postMessage({ type: 'SKIP_WAITING' });
    };
    later.onclick = function () {
      prompt.hidden = true;
    };
  }

  function follow(registration, worker) {
    var first = !registration.active;
    if (first) {
      showStatus('saving');
    }
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

  workers.register(script.getAttribute('data-service-worker')).then(function (registration) {
    if (registration.active) {
      showSaved(false);
    }
    if (registration.waiting) {
      offerUpdate(registration.waiting);
    }
    if (registration.installing) {
      follow(registration, registration.installing);
    }
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

  // The worker opens the root in the language the reader used last.
  workers.ready.then(function (registration) {
    registration.active.postMessage({ type: 'LANGUAGE', lang: document.documentElement.lang });
  });
}());

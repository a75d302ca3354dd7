/* Quick exit: hide the page at once and put a neutral site in place of this history entry.
 *
 * Module root: a[data-quick-exit][data-module~="quick-exit"], a plain link that works without
 * JavaScript. A tap, a click, Enter, or Shift pressed three times leaves; every other open tab
 * of this site leaves with it. Offline, or in the installed app (where an outside site would
 * open inside the app's own window), it goes to the neutral cover page (data-cover) instead.
 * Progress is announced in [data-quick-exit-status]; the texts are the root's data-i18n-*.
 *
 * Module root: [data-module~="hide-on-switch"], a checkbox (hidden until this script shows it):
 * when it is on, a page that becomes hidden (another app, another tab, the screen locked) turns
 * into the cover page. The choice is kept in localStorage, so "Remove from this device" deletes it.
 *
 * Other modules ask to leave with a cancelable "tirek:leave" event on the document.
 */
(function () {
  'use strict';
  var STRINGS = {
    'press-twice': 'Shift, press 2 more times to exit.',
    'press-once': 'Shift, press 1 more time to exit.',
    'expired': 'Exit this page expired.',
    'leaving': 'Loading.'
  };
  var PRESSES_TO_EXIT = 3;
  var MAX_GAP_MS = 5000; // GOV.UK's rule: no more than five seconds between presses
  var HIDE_KEY = 'tirek-hide-on-switch';
  var channel = window.BroadcastChannel ? new BroadcastChannel('tirek-quick-exit') : null;
  var presses = 0;
  var timer = null;
  // True from a Shift keydown until its keyup, unless another key was pressed in between
  // (Shift held for a capital letter) or the reader is typing in a field.
  var cleanShift = false;
  var leaving = false;

  // The link on the page now: the reader module replaces it along with the rest of the page.
  function exitLink() {
    return document.querySelector('a[data-quick-exit]');
  }

  function say(key) {
    var status = document.querySelector('[data-quick-exit-status]');
    var link = exitLink();
    if (!status) return;
    status.textContent = key ? (link && link.getAttribute('data-i18n-' + key)) || STRINGS[key] : '';
  }

  function installed() {
    if (navigator.standalone === true) return true; // iOS home-screen apps
    return ['standalone', 'fullscreen', 'minimal-ui'].some(function (mode) {
      return window.matchMedia && window.matchMedia('(display-mode: ' + mode + ')').matches;
    });
  }

  // options.cover: always the cover page. options.offlineCover === false: the cover page is not
  // cached (after removal), so offline the outside site's error page is the least telling place.
  function destination(link, options) {
    var cover = link.getAttribute('data-cover');
    cover = cover && new URL(cover, document.baseURI).href;
    var offline = navigator.onLine === false && options.offlineCover !== false;
    if (cover && (options.cover || installed() || offline)) return cover;
    return link.href;
  }

  // options.here: only this tab (the others were told already, or stay as they are).
  function leave(options) {
    var link = exitLink();
    if (leaving || !link) return;
    leaving = true;
    document.documentElement.classList.add('is-leaving');
    say('leaving');
    if (channel && !options.here) channel.postMessage('leave');
    // replace(): this page's history entry is overwritten, so Back cannot return to it.
    location.replace(destination(link, options));
  }

  // Restored from the back/forward cache (as GOV.UK's component does): usable again.
  window.addEventListener('pageshow', function (event) {
    if (!event.persisted) return;
    leaving = false;
    document.documentElement.classList.remove('is-leaving');
    resetPresses();
  });

  if (channel) {
    channel.onmessage = function (event) {
      if (event.data === 'leave') leave({ here: true });
    };
  }

  document.addEventListener('tirek:leave', function (event) {
    if (!exitLink()) return;
    event.preventDefault();
    leave(event.detail || {});
  });

  function resetPresses(message) {
    presses = 0;
    clearTimeout(timer);
    timer = null;
    say(message);
  }

  function countShift() {
    presses += 1;
    clearTimeout(timer);
    if (presses >= PRESSES_TO_EXIT) {
      resetPresses();
      leave({});
      return;
    }
    say(presses === 1 ? 'press-twice' : 'press-once');
    timer = setTimeout(function () { resetPresses('expired'); }, MAX_GAP_MS);
  }

  var NOT_TYPING = /^(button|checkbox|color|file|hidden|image|radio|range|reset|submit)$/i;

  function typingIn(element) {
    if (!element || !element.tagName) return false;
    if (element.isContentEditable) return true;
    var tag = element.tagName;
    if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
    return tag === 'INPUT' && !NOT_TYPING.test(element.type);
  }

  document.addEventListener('keydown', function (event) {
    if (event.key === 'Shift') {
      if (!event.repeat) cleanShift = !typingIn(event.target);
      return;
    }
    cleanShift = false;
    if (presses) resetPresses();
  });

  document.addEventListener('keyup', function (event) {
    if (event.key !== 'Shift' || !cleanShift) return;
    cleanShift = false;
    countShift();
  });

  window.addEventListener('blur', function () { cleanShift = false; });

  // --- hide when I switch away -----------------------------------------------------------------

  function hideOnSwitch() {
    try { return localStorage.getItem(HIDE_KEY) === 'on'; } catch (error) { return false; }
  }

  function hideIfHidden() {
    if (document.visibilityState === 'hidden' && hideOnSwitch()) leave({ cover: true, here: true });
  }

  document.addEventListener('visibilitychange', hideIfHidden);
  // Turned on in another tab: this tab, already in the background, follows at once.
  window.addEventListener('storage', function (event) {
    if (event.key === HIDE_KEY) hideIfHidden();
  });

  function startSwitch(root) {
    var box = root.querySelector('input[type="checkbox"]');
    if (!box) return;
    try {
      localStorage.getItem(HIDE_KEY);
    } catch (error) {
      return; // storage blocked: the choice could not be kept, so it is not offered
    }
    box.checked = hideOnSwitch();
    box.addEventListener('change', function () {
      try {
        if (box.checked) localStorage.setItem(HIDE_KEY, 'on'); else localStorage.removeItem(HIDE_KEY);
      } catch (error) { box.checked = false; }
    });
    root.hidden = false;
  }

  function startExit(root) {
    root.addEventListener('click', function (event) {
      event.preventDefault();
      leave({});
    });
  }

  // GOV.UK-style start-up: each root once, now and whenever the reader brings in new content.
  var MODULES = { 'quick-exit': startExit, 'hide-on-switch': startSwitch };

  function startAll(scope) {
    Object.keys(MODULES).forEach(function (name) {
      var selector = '[data-module~="' + name + '"]';
      var roots = Array.prototype.slice.call(scope.querySelectorAll(selector));
      if (scope.matches && scope.matches(selector)) roots.unshift(scope);
      roots.forEach(function (root) {
        if (root.hasAttribute('data-' + name + '-init')) return;
        root.setAttribute('data-' + name + '-init', '');
        MODULES[name](root);
      });
    });
  }

  startAll(document);
  document.addEventListener('tirek:content', function (event) { startAll(event.target); });
})();

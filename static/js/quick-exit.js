/* Quick exit: hide the page at once and put a neutral site in place of this history entry.
 *
 * Enhances the plain link a[data-quick-exit] (which works without JavaScript). A tap, a click,
 * Enter, or Shift pressed three times leaves. Offline, or in the installed app (where an outside
 * site would open inside the app's own window), it goes to the neutral cover page instead.
 */
(function () {
  'use strict';

  var link = document.querySelector('a[data-quick-exit]');
  if (!link) return;
  var status = document.querySelector('[data-quick-exit-status]');

  var PRESSES_TO_EXIT = 3;
  var MAX_GAP_MS = 5000; // GOV.UK's rule: no more than five seconds between presses
  var presses = 0;
  var timer = null;
  // True from a Shift keydown until its keyup, unless another key was pressed in between
  // (Shift held for a capital letter) or the reader is typing in a field.
  var cleanShift = false;
  var leaving = false;

  function say(key) {
    if (status) status.textContent = key ? status.getAttribute('data-' + key) || '' : '';
  }

  function installed() {
    if (navigator.standalone === true) return true; // iOS home-screen apps
    return ['standalone', 'fullscreen', 'minimal-ui'].some(function (mode) {
      return window.matchMedia && window.matchMedia('(display-mode: ' + mode + ')').matches;
    });
  }

  // options.offlineCover === false: the cover page is not cached (after removal), so offline
  // the outside site's error page is the least telling place to end up.
  function destination(options) {
    var offline = navigator.onLine === false && !(options && options.offlineCover === false);
    var cover = link.getAttribute('data-cover');
    if (cover && (installed() || offline)) return new URL(cover, location.href).href;
    return link.href;
  }

  function leave(options) {
    if (leaving) return;
    leaving = true;
    document.documentElement.classList.add('is-leaving');
    document.title = '';
    say('leaving');
    // replace(): this page's history entry is overwritten, so Back cannot return to it.
    location.replace(destination(options));
  }

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
      leave();
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

  link.addEventListener('click', function (event) {
    event.preventDefault();
    leave();
  });

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

  window.TirekExit = { leave: leave, destination: destination };
})();

/* Reading inside one address.
 *
 * With JavaScript, a link to another page of this site does not navigate: the page is fetched
 * (the service worker answers from its saved copy) and its content replaces this page's. The
 * address bar keeps the address the reader arrived at, so the browser's History holds that one
 * entry, under the neutral title (neutral-title.js), and nothing of what was read after it.
 * Forms of this site that no other module has answered are sent the same way.
 *
 * Module root: [data-module~="reader"], the live region that announces each new page;
 * data-i18n-opened is its text, "{title}" standing for the new page's heading.
 *
 * For the other modules: after a swap a <base> element holds the shown page's address, so
 * relative URLs in attributes resolve as on that page, and <body> fires "tirek:content": a module
 * starts on the roots inside event.target as it did on the document at load. A classic script the
 * new page needs and this one has not loaded is loaded once, after the content is in place; a
 * module script (type="module", such as search.js) is imported, and its initAll(scope) is called
 * for the new content.
 *
 * Left as plain links: other sites, tel: and mailto:, files that are not pages (copy.html, zip),
 * a[download], new tabs, the quick exit, and anything inside [data-reader-skip]. From file://
 * (a copy opened from a folder) pages cannot be fetched, so every link stays a plain link.
 */
(function () {
  'use strict';
  var NAME = 'reader';
  var OPENED = 'Opened: {title}';
  if (!/^https?:$/.test(location.protocol) || !window.fetch || !window.DOMParser) return;
  var announcer = document.querySelector('[data-module~="' + NAME + '"]');
  if (!announcer) return;
  var shown = withoutHash(location.href); // the page on screen; the address bar keeps the first
  var loadedScripts = scriptNames(document);
  var latest = 0; // a slower answer to an earlier click is dropped

  function withoutHash(href) {
    var url = new URL(href);
    url.hash = '';
    return url;
  }

  // A page of this site: same origin, and a folder address or its index.html (a static copy).
  function isPage(url) {
    return url.origin === location.origin && /\/(index\.html)?$/.test(url.pathname);
  }

  function isShown(url) {
    return url.pathname === shown.pathname && url.search === shown.search;
  }

  function skipped(element) {
    return Boolean(element.closest('[data-reader-skip]'));
  }

  document.addEventListener('click', function (event) {
    if (event.defaultPrevented || event.button !== 0) return;
    if (event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return; // new tab or window
    var link = event.target.closest ? event.target.closest('a[href]') : null;
    if (!link || skipped(link) || link.hasAttribute('download') || link.hasAttribute('data-quick-exit')) return;
    if (link.target && link.target !== '_self') return;
    var url = new URL(link.href);
    if (!isPage(url)) return;
    event.preventDefault();
    if (url.hash && isShown(url)) {
      showTarget(url.hash);
    } else {
      open(url, { method: 'GET' });
    }
  });

  document.addEventListener('submit', function (event) {
    var form = event.target;
    if (event.defaultPrevented || skipped(form)) return;
    var submitter = event.submitter || null;
    var attribute = function (name) {
      return (submitter && submitter.getAttribute('form' + name)) || form.getAttribute(name) || '';
    };
    var method = (attribute('method') || 'get').toLowerCase();
    var target = attribute('target');
    if ((method !== 'get' && method !== 'post') || (target && target !== '_self')) return;
    if (/multipart/i.test(attribute('enctype'))) return;
    var url = new URL(attribute('action') || shown.href, document.baseURI);
    if (!isPage(url)) return;
    event.preventDefault();
    var data = formData(form, submitter);
    if (method === 'get') {
      url.search = data.toString();
      url.hash = '';
      open(url, { method: 'GET' });
    } else {
      open(url, { method: 'POST', body: data, fallback: function () { form.submit(); } });
    }
  });

  function formData(form, submitter) {
    var data;
    try {
      data = new FormData(form, submitter);
    } catch (error) { // browsers before 2023 take no submitter
      data = new FormData(form);
      if (submitter && submitter.name) data.append(submitter.name, submitter.value);
    }
    return new URLSearchParams(data);
  }

  /* Fetch the page and show it; when that fails, go there the ordinary way (replacing this
   * history entry, so Back still leaves the site). */
  function open(url, options) {
    var request = ++latest;
    var main = document.querySelector('main');
    if (main) main.setAttribute('aria-busy', 'true');
    var fallback = options.fallback || function () { location.replace(url.href); };
    fetch(url.href, { method: options.method, body: options.body, credentials: 'same-origin' })
      .then(function (response) {
        if (!/^text\/html/i.test(response.headers.get('Content-Type') || '')) throw new Error('not a page');
        return response.text().then(function (text) {
          return { address: withoutHash(response.url || url.href), text: text };
        });
      })
      .then(function (answer) {
        if (request !== latest) return;
        var page = new DOMParser().parseFromString(answer.text, 'text/html');
        if (!swap(page, answer.address)) throw new Error('not a page of this site');
        arrive(url.hash);
      })
      .catch(function () {
        if (request === latest) fallback();
      });
  }

  function swap(page, address) {
    if (!page.body || !page.querySelector('main') || !setBase(address)) return false;
    shown = address;
    var root = document.documentElement;
    root.lang = page.documentElement.lang;
    if (page.documentElement.dir) root.dir = page.documentElement.dir; else root.removeAttribute('dir');
    replaceAll(document.head, page.head, 'link[rel="canonical"], link[rel="alternate"], meta[name="description"]');
    var incoming = page.querySelector('[data-module~="' + NAME + '"]');
    if (incoming) {
      copyStrings(incoming, announcer);
      incoming.parentNode.removeChild(incoming);
    }
    var scripts = page.querySelectorAll('script[src]');
    Array.prototype.forEach.call(page.body.querySelectorAll('script'), function (script) {
      script.parentNode.removeChild(script); // loaded below, once
    });
    Array.prototype.slice.call(document.body.childNodes).forEach(function (node) {
      if (node !== announcer) document.body.removeChild(node);
    });
    var content = document.createDocumentFragment();
    while (page.body.firstChild) content.appendChild(document.adoptNode(page.body.firstChild));
    document.body.insertBefore(content, announcer);
    loadScripts(scripts);
    document.body.dispatchEvent(new CustomEvent('tirek:content', { bubbles: true }));
    return true;
  }

  /* Relative URLs in the new content resolve from the shown page. A Content-Security-Policy with
   * base-uri 'none' forbids this; then the caller goes to the page the ordinary way. */
  function setBase(address) {
    var base = document.querySelector('base[data-reader-base]');
    if (!base) {
      base = document.createElement('base');
      base.setAttribute('data-reader-base', '');
      document.head.insertBefore(base, document.head.firstChild);
    }
    base.href = address.href;
    if (document.baseURI === address.href) return true;
    base.parentNode.removeChild(base);
    return false;
  }

  function replaceAll(into, from, selector) {
    Array.prototype.forEach.call(into.querySelectorAll(selector), function (old) {
      old.parentNode.removeChild(old);
    });
    Array.prototype.forEach.call(from.querySelectorAll(selector), function (element) {
      into.appendChild(document.adoptNode(element));
    });
  }

  function copyStrings(from, to) {
    Array.prototype.forEach.call(from.attributes, function (attribute) {
      if (attribute.name.indexOf('data-i18n-') === 0) to.setAttribute(attribute.name, attribute.value);
    });
  }

  // Classic scripts by file name without the content hash: a mirror's or a newer copy of a script
  // this page runs already is not loaded a second time.
  function scriptName(src) {
    return src.split(/[?#]/)[0].split('/').pop().replace(/\.[0-9a-f]{10}(\.js)$/, '$1');
  }

  function scriptNames(doc) {
    var names = {};
    Array.prototype.forEach.call(doc.querySelectorAll('script[src]'), function (script) {
      names[scriptName(script.getAttribute('src'))] = true;
    });
    return names;
  }

  /* A module script (type="module") is imported: the browser runs it once, and its initAll(scope)
   * starts the roots of every page brought in after. */
  function loadScripts(scripts) {
    Array.prototype.forEach.call(scripts, function (script) {
      var src = script.getAttribute('src');
      if (script.type === 'module') {
        import(new URL(src, shown).href).then(function (module) {
          if (typeof module.initAll === 'function') module.initAll(document.body);
        }, function () {});
        return;
      }
      var name = scriptName(src);
      if (loadedScripts[name]) return;
      loadedScripts[name] = true;
      var copy = document.createElement('script');
      copy.src = new URL(src, shown).href;
      document.head.appendChild(copy);
    });
  }

  /* The new page is in place: top of the page (or the #target asked for), focus on its heading,
   * and the heading announced to screen readers. */
  function arrive(hash) {
    var heading = document.querySelector('main h1') || document.querySelector('main');
    if (!(hash && showTarget(hash))) {
      window.scrollTo(0, 0);
      focus(heading);
    }
    announce(heading ? heading.textContent.replace(/\s+/g, ' ').trim() : '');
  }

  function showTarget(hash) {
    var id;
    try { id = decodeURIComponent(hash.slice(1)); } catch (error) { id = hash.slice(1); }
    var target = id && document.getElementById(id);
    if (!target) return false;
    target.scrollIntoView();
    focus(target);
    return true;
  }

  // As GOV.UK's skip link does: a heading takes focus for the moment, not a place in the tab order.
  function focus(element) {
    if (!element) return;
    if (!element.hasAttribute('tabindex') && !/^(A|BUTTON|INPUT|SELECT|TEXTAREA)$/.test(element.tagName)) {
      element.setAttribute('tabindex', '-1');
      element.addEventListener('blur', function () { element.removeAttribute('tabindex'); }, { once: true });
    }
    element.focus({ preventScroll: true });
  }

  function announce(title) {
    var text = (announcer.getAttribute('data-i18n-opened') || OPENED).replace('{title}', title);
    announcer.textContent = '';
    // A new text in a separate frame: announced even when the same page is opened twice.
    window.requestAnimationFrame(function () { announcer.textContent = text; });
  }
})();

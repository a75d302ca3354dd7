/* Tirek search: results as the reader types, from this language's index file.
 *
 * The matching is the twin of tirek/search.py (read its docstring for the rules);
 * the tests run both on the same queries and expect the same results, so change
 * them together. Without this script, or when the index cannot be loaded, the
 * form is a plain GET form that the server answers.
 */
(function () {
  "use strict";

  var INDEX_VERSION = 1;
  var MAX_QUERY_CHARS = 200;
  var MAX_QUERY_TOKENS = 10;
  var MIN_TOKEN_LENGTH = 2;
  var MAX_RESULTS = 20;
  var SNIPPET_WORDS_BEFORE = 6;
  var SNIPPET_WORDS = 24;
  var EXACT = 4, PREFIX = 3, STEM = 2, TYPO = 1;

  var TOKEN = /[\p{L}\p{N}]+/gu;
  var FOLD_EXTRA = {
    "\u00b5": "\u03bc", "\u00df": "ss", "\u0149": "\u02bcn", "\u017f": "s", "\u01f0": "j\u030c",
    "\u0345": "\u03b9", "\u0390": "\u03b9\u0308\u0301", "\u03b0": "\u03c5\u0308\u0301",
    "\u03c2": "\u03c3", "\u03d0": "\u03b2", "\u03d1": "\u03b8", "\u03d5": "\u03c6",
    "\u03d6": "\u03c0", "\u03f0": "\u03ba", "\u03f1": "\u03c1", "\u03f5": "\u03b5",
    "\u1c80": "\u0432", "\u1c81": "\u0434", "\u1c82": "\u043e", "\u1c83": "\u0441",
    "\u1c84": "\u0442", "\u1c85": "\u0442", "\u1c86": "\u044a", "\u1c87": "\u0463",
    "\u1c88": "\ua64b", "\u1e96": "h\u0331", "\u1e97": "t\u0308", "\u1e98": "w\u030a",
    "\u1e99": "y\u030a", "\u1e9a": "a\u02be", "\u1e9b": "\u1e61", "\u1e9e": "ss",
    "\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl",
    "\ufb05": "st", "\ufb06": "st",
    "\u0451": "\u0435"
  };
  var FOLD_CHARS = new RegExp("[" + Object.keys(FOLD_EXTRA).join("") + "]", "g");
  var LOOKALIKES = { a: "а", c: "с", e: "е", h: "һ", i: "і", k: "к", o: "о", p: "р", x: "х", y: "у" };
  var CYRILLIC = /[\u0400-\u04ff]/;
  var LATIN_LOOKALIKE = /[acehikopxy]/g;

  function normalizeWord(word) {
    var folded = word.toLowerCase().replace(FOLD_CHARS, function (c) { return FOLD_EXTRA[c]; });
    if (CYRILLIC.test(folded)) {
      folded = folded.replace(LATIN_LOOKALIKE, function (c) { return LOOKALIKES[c]; });
    }
    return folded;
  }

  function tokens(text) {
    var found = [];
    var match;
    TOKEN.lastIndex = 0;
    while ((match = TOKEN.exec(text)) !== null) {
      found.push([match.index, match.index + match[0].length, normalizeWord(match[0])]);
    }
    return found;
  }

  function queryWords(query) {
    var text = query.slice(0, MAX_QUERY_CHARS).normalize("NFC");
    var words = [];
    tokens(text).forEach(function (token) {
      var word = token[2];
      if (word.length >= MIN_TOKEN_LENGTH && words.indexOf(word) === -1) { words.push(word); }
    });
    return words.slice(0, MAX_QUERY_TOKENS);
  }

  function commonPrefix(a, b) {
    var limit = Math.min(a.length, b.length);
    var i = 0;
    while (i < limit && a.charCodeAt(i) === b.charCodeAt(i)) { i++; }
    return i;
  }

  function oneEditPrefix(t, w, p) {
    var rest = t.slice(p + 1);
    if (w.startsWith(rest, p)) { return true; }
    if (p < w.length && (w.startsWith(rest, p + 1) || w.startsWith(t.slice(p), p + 1))) { return true; }
    return p + 1 < t.length && p + 1 < w.length && t[p] === w[p + 1] && t[p + 1] === w[p] &&
      w.startsWith(t.slice(p + 2), p + 2);
  }

  function quality(q, w) {
    var p = commonPrefix(q, w);
    if (p === q.length) { return w.length === p ? EXACT : PREFIX; }
    if (q.length < 5) { return 0; }
    if (p >= Math.max(4, q.length - 3)) { return STEM; }
    if (oneEditPrefix(q, w, p)) { return TYPO; }
    return 0;
  }

  /* w -> does it match any of the query words? (remembered: texts repeat their words) */
  function matcher(words) {
    var memo = new Map();
    return function (w) {
      var hit = memo.get(w);
      if (hit === undefined) {
        hit = words.some(function (q) { return quality(q, w) > 0; });
        memo.set(w, hit);
      }
      return hit;
    };
  }

  function rank(index, words) {
    var terms = index.terms, postings = index.postings;
    var total = null;
    words.forEach(function (q) {
      var best = new Map();
      for (var t = 0; t < terms.length; t++) {
        var level = quality(q, terms[t]);
        if (!level) { continue; }
        var posting = postings[t];
        for (var i = 0; i < posting.length; i++) {
          var doc = posting[i] >> 2, score = level * (posting[i] & 3);
          if (score > (best.get(doc) || 0)) { best.set(doc, score); }
        }
      }
      if (!best.size) { return; }
      if (total === null) {
        total = best;
      } else {
        var next = new Map();
        total.forEach(function (score, doc) {
          if (best.has(doc)) { next.set(doc, score + best.get(doc)); }
        });
        total = next;
      }
    });
    if (!total) { return []; }
    return Array.from(total.keys()).sort(function (a, b) {
      return total.get(b) - total.get(a) || a - b;
    });
  }

  function search(index, query) {
    var words = queryWords(query);
    var ranked = rank(index, words);
    var matches = matcher(words);
    return {
      total: ranked.length,
      results: ranked.slice(0, MAX_RESULTS).map(function (d) { return result(index.docs[d], matches); })
    };
  }

  function result(doc, matches) {
    return { url: doc[0], lang: doc[4], title: marked(doc[1], matches), snippet: snippet(doc[2], doc[3], matches) };
  }

  function marked(text, matches) {
    return segments(text, tokens(text), 0, null, matches);
  }

  function snippet(summary, text, matches) {
    var summaryTokens = tokens(summary);
    if (summaryTokens.some(function (t) { return matches(t[2]); })) {
      return segments(summary, summaryTokens, 0, null, matches);
    }
    // Reads the body only as far as the snippet needs: the same window as search.py's, sooner.
    var scan = new RegExp(TOKEN.source, "gu");
    var head = [], recent = [], found = null, seen = 0, more = false, match;
    while ((match = scan.exec(text)) !== null) {
      var token = [match.index, match.index + match[0].length, normalizeWord(match[0])];
      if (found === null) {
        if (head.length <= SNIPPET_WORDS) { head.push(token); }
        if (matches(token[2])) {
          found = recent.concat([token]);
        } else {
          recent.push(token);
          if (recent.length > SNIPPET_WORDS_BEFORE) { recent.shift(); }
        }
        seen++;
      } else if (found.length < SNIPPET_WORDS) {
        found.push(token);
      } else {
        more = true;
        break;
      }
    }
    var start = seen - recent.length - 1;  // index of the window's first word, when found
    if (found === null) {
      if (summary) { return [[summary, false]]; }
      found = head.slice(0, SNIPPET_WORDS);
      more = head.length > SNIPPET_WORDS;
      start = 0;
    }
    var pieces = segments(text, found, start === 0 ? 0 : found[0][0],
      more ? found[found.length - 1][1] : null, matches);
    if (start > 0) { pieces.unshift(["… ", false]); }
    if (more) { pieces.push([" …", false]); }
    return merge(pieces);
  }

  function segments(text, spans, begin, finish, matches) {
    if (finish === null) { finish = text.length; }
    var pieces = [], at = begin;
    spans.forEach(function (span) {
      if (matches(span[2])) {
        pieces.push([text.slice(at, span[0]), false]);
        pieces.push([text.slice(span[0], span[1]), true]);
        at = span[1];
      }
    });
    pieces.push([text.slice(at, finish), false]);
    return merge(pieces);
  }

  function merge(pieces) {
    var merged = [];
    pieces.forEach(function (piece) {
      if (!piece[0]) { return; }
      var last = merged[merged.length - 1];
      if (last && last[1] === piece[1]) {
        last[0] += piece[0];
      } else {
        merged.push([piece[0], piece[1]]);
      }
    });
    return merged;
  }

  window.TirekSearch = { normalizeWord: normalizeWord, tokens: tokens, queryWords: queryWords,
    quality: quality, search: search };

  /* The page: enhance the server-rendered form and results. */

  function appendSegments(parent, pieces) {
    pieces.forEach(function (piece) {
      if (piece[1]) {
        var mark = document.createElement("mark");
        mark.textContent = piece[0];
        parent.appendChild(mark);
      } else {
        parent.appendChild(document.createTextNode(piece[0]));
      }
    });
  }

  function resultItem(found, lang, suffix) {
    var item = document.createElement("li");
    var link = document.createElement("a");
    link.setAttribute("href", found.url + suffix);
    if (found.lang !== lang) { link.setAttribute("lang", found.lang); }
    var title = document.createElement("span");
    title.className = "result-title";
    appendSegments(title, found.title);
    var snippetText = document.createElement("span");
    snippetText.className = "result-snippet";
    appendSegments(snippetText, found.snippet);
    link.appendChild(title);
    link.appendChild(snippetText);
    item.appendChild(link);
    return item;
  }

  function enhance(form) {
    var input = form.querySelector("input[name=q]");
    var region = document.querySelector("[data-search-results]");
    var help = document.querySelector("[data-search-help]");
    var topics = document.querySelector("[data-search-topics]");
    if (!input || !region || !window.fetch) { return; }
    var status = region.querySelector(".search-status");
    var list = region.querySelector(".results");
    var lang = document.documentElement.lang;
    // A static copy for file:// links to folder/index.html; the form's own address shows which.
    var suffix = /index\.html$/.test(form.getAttribute("action")) ? "index.html" : "";
    var index = null;

    function show(query) {
      var found = queryWords(query).length ? search(index, query) : null;
      list.textContent = "";
      if (found) {
        found.results.forEach(function (r) { list.appendChild(resultItem(r, lang, suffix)); });
        status.textContent = found.total
          ? region.getAttribute("data-found").replace("{count}", String(found.total))
          : region.getAttribute("data-none").replace("{query}", function () { return query.trim(); });
      } else {
        status.textContent = "";
      }
      if (help) { help.hidden = !found || found.total > 0; }
      if (topics) { topics.hidden = !!found; }
    }

    fetch(new URL(form.getAttribute("data-search-index"), document.baseURI).href)
      .then(function (response) {
        if (!response.ok) { throw new Error("search index: HTTP " + response.status); }
        return response.json();
      })
      .then(function (data) {
        if (data.version !== INDEX_VERSION) { throw new Error("search index: unknown version"); }
        index = data;
        // One search while the reader reads the page, so the first keystroke does not pay
        // for compiling the word pattern and warming the engine.
        if (index.docs.length) { search(index, index.docs[0][1]); }
        if (!input.value) {
          input.value = new URLSearchParams(window.location.search).get("q") || "";
        }
        if (input.value) { show(input.value); }
        input.addEventListener("input", function () { show(input.value); });
        // Answered here, so the query never becomes an address in the browser's history.
        form.addEventListener("submit", function (event) {
          event.preventDefault();
          show(input.value);
          status.focus();
        });
        form.setAttribute("data-search-ready", "");
      })
      .catch(function () { /* the plain form still works */ });
  }

  var form = document.querySelector("form[data-search-index]");
  if (form) { enhance(form); }
})();

/* Tirek search: answers in place as the reader types, from this language's index file.
 *
 * A module in the GOV.UK style: it enhances each server-rendered [data-module="search"] root
 * (the form on the home page and on the search page), reads its strings from data-i18n-*
 * attributes, and sets no globals. Without it, the form posts to the server, which answers with
 * tirek/search.py. The query never goes into an address: typing and Enter answer here.
 *
 * The matching is the twin of tirek/search.py (read its docstring for the rules); the tables it
 * uses (folding, endings, limits, crisis words) come from the index file, written by the same
 * Python, and the tests run both on the same queries and expect the same results: change the
 * algorithm in both together.
 */

const INDEX_VERSION = 2;
const EXACT = 4, PREFIX = 3, STEM = 2, TYPO = 1;
const TOKEN = /[\p{L}\p{N}]+/gu;

/* The rules of one index file, compiled. */
export function matcher(rules) {
  const fold = rules.fold;
  const foldChars = new RegExp("[" + Object.keys(fold).join("") + "]", "g");
  const lookalikes = rules.lookalikes;
  const cyrillic = new RegExp("[" + rules.cyrillic + "]");
  const latinLookalike = new RegExp("[" + Object.keys(lookalikes).join("") + "]", "g");
  const stopWords = new Set(rules.stopWords);
  const endings = new Set(rules.endings);
  const longestEnding = rules.endings.reduce(function (most, e) { return Math.max(most, e.length); }, 0);
  const alternations = new Set(rules.alternations);

  function normalizeWord(word) {
    let folded = word.toLowerCase().replace(foldChars, function (c) { return fold[c]; });
    if (cyrillic.test(folded)) {
      folded = folded.replace(latinLookalike, function (c) { return lookalikes[c]; });
    }
    return folded;
  }

  function tokens(text) {
    const found = [];
    const scan = new RegExp(TOKEN.source, "gu");
    let match;
    while ((match = scan.exec(text)) !== null) {
      found.push([match.index, match.index + match[0].length, normalizeWord(match[0])]);
    }
    return found;
  }

  function allWords(query) {
    const words = [];
    tokens(query.slice(0, rules.maxQueryChars).normalize("NFC")).forEach(function (token) {
      const word = token[2];
      if (word.length >= rules.minTokenLength && words.indexOf(word) === -1) { words.push(word); }
    });
    return words;
  }

  function queryWords(query) {
    const words = allWords(query);
    const subject = words.filter(function (word) { return !stopWords.has(word); });
    return (subject.length ? subject : words).slice(0, rules.maxQueryTokens);
  }

  function isEnding(rest) {
    if (rest === "" || endings.has(rest)) { return true; }
    if (!rules.chain) { return false; }
    const reachable = [true];
    for (let i = 1; i <= rest.length; i++) { reachable.push(false); }
    for (let i = 0; i < rest.length; i++) {
      if (!reachable[i]) { continue; }
      for (let j = i + 1; j <= Math.min(rest.length, i + longestEnding); j++) {
        if (endings.has(rest.slice(i, j))) { reachable[j] = true; }
      }
    }
    return reachable[rest.length];
  }

  function sameStem(q, w, p) {
    if (p < q.length && p < w.length && alternations.has(q[p] + w[p]) &&
        isEnding(q.slice(p + 1)) && isEnding(w.slice(p + 1))) {
      return true;
    }
    for (let k = p; k >= rules.minStem; k--) {
      if (q.length - k > rules.maxEnding || w.length - k > rules.maxEnding) { return false; }
      if (isEnding(q.slice(k)) && isEnding(w.slice(k))) { return true; }
    }
    return false;
  }

  /* How well w matches q; the typo rule only when asked (it counts only for a word with no better match). */
  function quality(q, w, typos) {
    const p = commonPrefix(q, w);
    if (p === q.length) { return w.length === p ? EXACT : PREFIX; }
    if (p >= rules.minStem && sameStem(q, w, p)) { return STEM; }
    if (typos && q.length >= rules.minTypo && oneEditPrefix(q, w, p)) { return TYPO; }
    return 0;
  }

  return { rules: rules, normalizeWord: normalizeWord, tokens: tokens, allWords: allWords, queryWords: queryWords,
    quality: quality };
}

function commonPrefix(a, b) {
  const limit = Math.min(a.length, b.length);
  let i = 0;
  while (i < limit && a.charCodeAt(i) === b.charCodeAt(i)) { i++; }
  return i;
}

function oneEditPrefix(t, w, p) {
  const rest = t.slice(p + 1);
  if (w.startsWith(rest, p)) { return true; }
  if (p < w.length && (w.startsWith(rest, p + 1) || w.startsWith(t.slice(p), p + 1))) { return true; }
  return p + 1 < t.length && p + 1 < w.length && t[p] === w[p + 1] && t[p + 1] === w[p] &&
    w.startsWith(t.slice(p + 2), p + 2);
}

const compiled = new WeakMap();

function matcherOf(index) {
  let m = compiled.get(index);
  if (!m) {
    m = matcher(index.rules);
    compiled.set(index, m);
  }
  return m;
}

/* term number -> quality, for the terms the query word q matches. */
function termLevels(index, m, q) {
  const terms = index.terms;
  const found = new Map();
  for (let t = 0; t < terms.length; t++) {
    const level = m.quality(q, terms[t], false);
    if (level) { found.set(t, level); }
  }
  if (!found.size && q.length >= index.rules.minTypo) {
    for (let t = 0; t < terms.length; t++) {
      if (m.quality(q, terms[t], true) === TYPO) { found.set(t, TYPO); }
    }
  }
  return found;
}

function rank(index, levels) {
  const postings = index.postings;
  let total = null;
  levels.forEach(function (found) {
    const best = new Map();
    found.forEach(function (level, t) {
      const posting = postings[t];
      for (let i = 0; i < posting.length; i++) {
        const doc = posting[i] >> 2, score = level * (posting[i] & 3);
        if (score > (best.get(doc) || 0)) { best.set(doc, score); }
      }
    });
    if (!best.size) { return; }  // a word found nowhere does not empty the results
    if (total === null) {
      total = best;
    } else {
      const next = new Map();
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

/* {total, results: [{url, lang, title, snippet}]}: the same as search.search in Python. */
export function search(index, query) {
  const m = matcherOf(index);
  const levels = m.queryWords(query).map(function (q) { return termLevels(index, m, q); });
  const ranked = rank(index, levels);
  const marked = new Set();
  levels.forEach(function (found) { found.forEach(function (level, t) { marked.add(index.terms[t]); }); });
  const matches = function (w) { return marked.has(w); };
  return {
    total: ranked.length,
    results: ranked.slice(0, index.rules.maxResults).map(function (d) {
      return result(m, index.docs[d], matches);
    })
  };
}

function result(m, doc, matches) {
  return { url: doc[0], lang: doc[4], title: segments(doc[1], m.tokens(doc[1]), 0, null, matches),
    snippet: snippet(m, doc[2], doc[3], matches) };
}

function snippet(m, summary, text, matches) {
  const rules = m.rules;
  const summaryTokens = m.tokens(summary);
  if (summaryTokens.some(function (t) { return matches(t[2]); })) {
    return segments(summary, summaryTokens, 0, null, matches);
  }
  // Reads the body only as far as the snippet needs: the same window as search.py's, sooner.
  const scan = new RegExp(TOKEN.source, "gu");
  const head = [], recent = [];
  let found = null, seen = 0, more = false, match;
  while ((match = scan.exec(text)) !== null) {
    const token = [match.index, match.index + match[0].length, m.normalizeWord(match[0])];
    if (found === null) {
      if (head.length <= rules.snippetWords) { head.push(token); }
      if (matches(token[2])) {
        found = recent.concat([token]);
      } else {
        recent.push(token);
        if (recent.length > rules.snippetWordsBefore) { recent.shift(); }
      }
      seen++;
    } else if (found.length < rules.snippetWords) {
      found.push(token);
    } else {
      more = true;
      break;
    }
  }
  let start = seen - recent.length - 1;  // index of the window's first word, when found
  if (found === null) {
    if (summary) { return [[summary, false]]; }
    found = head.slice(0, rules.snippetWords);
    more = head.length > rules.snippetWords;
    start = 0;
  }
  const pieces = segments(text, found, start === 0 ? 0 : found[0][0],
    more ? found[found.length - 1][1] : null, matches);
  if (start > 0) { pieces.unshift(["… ", false]); }
  if (more) { pieces.push([" …", false]); }
  return merge(pieces);
}

function segments(text, spans, begin, finish, matches) {
  if (finish === null) { finish = text.length; }
  const pieces = [];
  let at = begin;
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
  const merged = [];
  pieces.forEach(function (piece) {
    if (!piece[0]) { return; }
    const last = merged[merged.length - 1];
    if (last && last[1] === piece[1]) {
      last[0] += piece[0];
    } else {
      merged.push([piece[0], piece[1]]);
    }
  });
  return merged;
}

/* Crisis help for the query: [[url, heading, page title], …], as search.crisis in Python. */
export function crisis(index, query) {
  const rules = index.rules;
  const words = matcherOf(index).allWords(query);
  const links = [];
  const seen = new Set();
  index.crisis.forEach(function (entry) {
    const spoken = entry.triggers.some(function (trigger) {
      return trigger.every(function (stem) {
        return words.some(function (word) { return begins(rules, stem, word); });
      });
    });
    if (!spoken) { return; }
    entry.links.forEach(function (link) {
      const key = link.join("\n");
      if (!seen.has(key)) { seen.add(key); links.push(link); }
    });
  });
  return links;
}

function begins(rules, stem, word) {
  if (word.startsWith(stem)) { return true; }
  if (word.length >= rules.minCrisisPartial && stem.startsWith(word)) { return true; }
  // One typo, but not in the stem's last letter: that would make «избит» begin «избирательный».
  const p = commonPrefix(stem, word);
  return stem.length >= rules.minCrisisTypo && p < stem.length - 1 && oneEditPrefix(stem, word, p);
}

/* A link relative to another index's folder, made relative to this one's, as search.relocate. */
export function relocate(indexPath, url) {
  const parts = indexPath.split("/").slice(0, -1);
  url.split("/").forEach(function (segment) {
    if (segment === ".." && parts.length && parts[parts.length - 1] !== "..") {
      parts.pop();
    } else if (segment !== ".") {
      parts.push(segment);
    }
  });
  return parts.join("/");
}

/* The answer, as search.answer in Python; loadIndex(path) gives another language's index
 * (a promise), asked for only when nothing matches in this one. */
export async function answer(index, query, loadIndex) {
  const found = search(index, query);
  const reply = { crisis: crisis(index, query), total: found.total, results: found.results, elsewhere: false };
  if (found.total || !matcherOf(index).queryWords(query).length) { return reply; }
  const results = [], seen = new Set();
  for (const [, path] of index.others) {
    const other = await loadIndex(path);
    search(other, query).results.forEach(function (hit) {
      const url = relocate(path, hit.url);
      const slug = url.replace(/\/$/, "").split("/").pop();
      if (hit.lang !== index.lang && !seen.has(slug)) {
        seen.add(slug);
        results.push(Object.assign({}, hit, { url: url }));
      }
    });
  }
  return Object.assign(reply, { total: results.length, results: results.slice(0, index.rules.maxResults),
    elsewhere: results.length > 0 });
}

/* The page: enhance a server-rendered search root. */

const DEFAULTS = {
  found: "Pages found: {count}",
  elsewhere: "Nothing found in this language. Pages found in other languages: {count}",
  none: "Nothing found for “{query}”."
};

export class SearchBox {
  constructor(root) {
    this.root = root;
    this.form = root.querySelector("form");
    this.input = root.querySelector("input[name=q]");
    this.region = root.querySelector("[data-search-results]");
    this.crisisBox = root.querySelector("[data-search-crisis]");
    this.status = root.querySelector(".search-status");
    this.list = root.querySelector(".results");
    this.help = root.querySelector("[data-search-help]");
    // The topic list of the search page, shown when there is no answer.
    this.topics = document.querySelector("[data-search-topics]");
    this.indexPath = root.getAttribute("data-search-index");
    // A static copy for file:// links to folder/index.html; the form's own address shows which.
    this.suffix = /index\.html$/.test(this.form.getAttribute("action")) ? "index.html" : "";
    this.indexes = new Map();
    this.shown = 0;
    this.ready = null;
  }

  init() {
    if (!this.input || !this.region || !this.status || !this.list || !window.fetch) { return; }
    const load = this.load.bind(this);
    const hiddenUntilReady = this.form.hasAttribute("data-search-needs-script");
    if (this.root.getAttribute("data-search-load") === "lazy" && !this.input.value && !hiddenUntilReady) {
      this.input.addEventListener("focus", load, { once: true });
      this.input.addEventListener("input", load, { once: true });
    } else {
      load();
    }
    // Answered here, so the query never becomes an address in the browser's history.
    this.form.addEventListener("submit", (event) => {
      if (this.failed) { return; }  // the plain form still works
      event.preventDefault();
      load().then(() => this.show(this.input.value)).then(() => this.status.focus());
    });
  }

  text(key) {
    return this.root.getAttribute("data-i18n-" + key) || DEFAULTS[key];
  }

  fetchIndex(path) {
    if (!this.indexes.has(path)) {
      const url = new URL(path, new URL(this.indexPath, document.baseURI)).href;
      this.indexes.set(path, fetch(url).then(function (response) {
        if (!response.ok) { throw new Error("search index: HTTP " + response.status); }
        return response.json();
      }).then(function (data) {
        if (data.version !== INDEX_VERSION) { throw new Error("search index: unknown version"); }
        return data;
      }));
    }
    return this.indexes.get(path);
  }

  load() {
    if (!this.ready) {
      this.ready = this.fetchIndex("").then((index) => {
        this.index = index;
        // One search while the reader reads the page, so the first keystroke does not pay
        // for compiling the word pattern and warming the engine.
        if (index.docs.length) { search(index, index.docs[0][1]); }
        this.input.addEventListener("input", () => this.show(this.input.value));
        if (this.input.value) { this.show(this.input.value); }
        this.root.setAttribute("data-search-ready", "");
        if (this.form.hasAttribute("data-search-needs-script")) { this.form.hidden = false; }
      }).catch((error) => {
        this.failed = true;
        throw error;
      });
    }
    return this.ready;
  }

  async show(query) {
    const turn = ++this.shown;
    const words = matcherOf(this.index).queryWords(query);
    // Another language's index is only read when nothing matches here, and may fail offline.
    const reply = words.length
      ? await answer(this.index, query, (path) => this.fetchIndex(path)).catch(() => null)
      : null;
    if (turn !== this.shown) { return; }  // the reader typed on meanwhile
    const answered = reply || (words.length ? search(this.index, query) : null);
    this.render(query, answered, reply ? reply.crisis : crisis(this.index, query));
  }

  render(query, found, crisisLinks) {
    this.list.textContent = "";
    if (found) {
      found.results.forEach((hit) => this.list.appendChild(this.resultItem(hit)));
      this.status.textContent = !found.total
        ? this.text("none").replace("{query}", function () { return query.trim(); })
        : this.text(found.elsewhere ? "elsewhere" : "found").replace("{count}", String(found.total));
    } else {
      this.status.textContent = "";
    }
    if (this.crisisBox) {
      const links = found ? crisisLinks : [];
      const list = this.crisisBox.querySelector("ul");
      list.textContent = "";
      links.forEach((link) => list.appendChild(this.crisisItem(link)));
      this.crisisBox.hidden = !links.length;
    }
    const nothing = !!found && !found.total;
    if (this.help) { this.help.hidden = !nothing; }
    if (this.topics) { this.topics.hidden = !!found && !nothing; }
    if (this.root.hasAttribute("data-search-collapse")) { this.region.hidden = !found; }
  }

  href(url) {
    const [path, fragment] = relocate(this.indexPath, url).split("#");
    const suffix = this.suffix && path.endsWith("/") ? this.suffix : "";
    return path + suffix + (fragment === undefined ? "" : "#" + fragment);
  }

  crisisItem(link) {
    const item = document.createElement("li");
    const anchor = document.createElement("a");
    anchor.setAttribute("href", this.href(link[0]));
    anchor.textContent = link[1];
    item.appendChild(anchor);
    if (link[2] !== link[1]) {
      const page = document.createElement("span");
      page.className = "crisis-page";
      page.textContent = link[2];
      item.appendChild(document.createTextNode(" "));
      item.appendChild(page);
    }
    return item;
  }

  resultItem(hit) {
    const item = document.createElement("li");
    const link = document.createElement("a");
    link.setAttribute("href", this.href(hit.url));
    const title = document.createElement("span");
    title.className = "result-title";
    appendSegments(title, hit.title);
    link.appendChild(title);
    if (hit.lang !== this.index.lang) {
      link.setAttribute("lang", hit.lang);
      const language = document.createElement("span");
      language.className = "result-lang";
      language.textContent = this.index.languageNames[hit.lang] || hit.lang;
      link.appendChild(language);
    }
    const snippetText = document.createElement("span");
    snippetText.className = "result-snippet";
    appendSegments(snippetText, hit.snippet);
    link.appendChild(snippetText);
    item.appendChild(link);
    return item;
  }
}

function appendSegments(parent, pieces) {
  pieces.forEach(function (piece) {
    if (piece[1]) {
      const mark = document.createElement("mark");
      mark.textContent = piece[0];
      parent.appendChild(mark);
    } else {
      parent.appendChild(document.createTextNode(piece[0]));
    }
  });
}

/* Enhance every search root in scope once (pages swapped in later can call it again). */
export function initAll(scope) {
  (scope || document).querySelectorAll('[data-module="search"]').forEach(function (root) {
    if (root.hasAttribute("data-search-init")) { return; }
    root.setAttribute("data-search-init", "");
    new SearchBox(root).init();
  });
}

initAll(document);

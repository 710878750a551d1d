// Search: a button in the header of every page, and on the search page a form over
// Pagefind's index (generator/render/site/search.py). The index holds Chinese as pairs
// of neighbouring characters spelled in letters (generator/render/site/docs.py,
// search_tokens); a query is turned into the same pairs, so any part of a name of two
// characters or more finds it, whatever the browser's own word splitting. Results show
// the name and summary stored with each page, names matching the query first, and the
// field that matched (荣誉, 工种, 单位 …) with the words found marked. The query
// and filters live in the address (?q=…&类型=…): a search can be shared or bookmarked.
(function () {
  "use strict";
  var HAN_RUN = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+/g;
  var LETTERS = "abcdefghijklmnopqrstuvwxyz";
  var END = "zzzz";
  var PAGE = 10;
  // Whole-name matches beyond which every pair's matches are not looked for (see search()): at 10,000
  // matches a term costs Pagefind about 0.6 s, at 100,000 about 50 s.
  var ENOUGH = 20000;

  function base() {
    var config = document.getElementById("__config");
    try { return JSON.parse(config.textContent).base.replace(/\/$/, ""); } catch (e) { return "."; }
  }

  function addHeaderButton() {
    var header = document.querySelector(".md-header__inner");
    if (!header || header.querySelector(".jp-search-button")) return;
    var link = document.createElement("a");
    link.className = "md-header__button md-icon jp-search-button";
    link.href = base() + "/search/";
    link.title = "搜索";
    link.setAttribute("aria-label", "搜索");
    link.innerHTML = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" aria-hidden="true"><path d="M9.5 3A6.5 6.5 0 0 1 16 9.5c0 1.61-.59 3.09-1.56 4.23l.27.27h.79l5 5-1.5 1.5-5-5v-.79l-.27-.27A6.52 6.52 0 0 1 9.5 16 6.5 6.5 0 0 1 3 9.5 6.5 6.5 0 0 1 9.5 3m0 2C7 5 5 7 5 9.5S7 14 9.5 14 14 12 14 9.5 12 5 9.5 5"/></svg>';
    header.insertBefore(link, header.querySelector(".md-header__source"));
  }

  function code(ch) {  // as docs.py's _code: four letters, base 26 from U+3400
    var n = ch.codePointAt(0) - 0x3400, out = "";
    for (var i = 0; i < 4; i++) { out = LETTERS.charAt(n % 26) + out; n = Math.floor(n / 26); }
    return out;
  }

  // 周国强 -> the codes of 周国 and 国强 (every token must match); one character alone -> its
  // code, which Pagefind matches as the start of the pairs it begins. ``whole``: a run of three
  // characters or more as its one token instead (the index holds those for names, trades, honours).
  function tokens(word, whole) {
    var out = [], last = 0, m;
    HAN_RUN.lastIndex = 0;
    while ((m = HAN_RUN.exec(word)) !== null) {
      if (m.index > last) out.push(word.slice(last, m.index));
      var chars = Array.from(m[0]).map(code);
      if (chars.length === 1) out.push(chars[0]);
      else if (whole && chars.length >= 3) out.push("w" + chars.join(""));  // docs.py's _WHOLE
      else for (var i = 0; i + 1 < chars.length; i++) out.push(chars[i] + chars[i + 1]);
      last = m.index + m[0].length;
    }
    if (last < word.length) out.push(word.slice(last));
    return out;
  }

  function words(query) {
    return query.replace(/[\u3000\s]+/g, " ").trim().split(" ").filter(Boolean).slice(0, 5);
  }

  function setupSearchPage() {
    var form = document.getElementById("jp-search");
    if (!form || form.getAttribute("data-ready")) return;
    form.setAttribute("data-ready", "1");
    var input = form.querySelector("input[name=q]");
    var selects = Array.prototype.slice.call(form.querySelectorAll("select[data-facet]"));
    var status = document.getElementById("jp-search-status");
    var list = document.getElementById("jp-search-results");
    var more = document.getElementById("jp-search-more");
    var bundle = new URL(form.getAttribute("data-bundle"), window.location.href).href;
    var pagefind = null, shown = [], pending = [], run = 0, shownQuery = "";

    function load() {
      if (!pagefind) {
        pagefind = import(bundle + "pagefind.js").then(function (pf) {
          return pf.options({ baseUrl: base() + "/" }).then(function () { return pf; });
        });
      }
      return pagefind;
    }

    function readAddress() {
      var params = new URL(window.location.href).searchParams;
      input.value = params.get("q") || "";
      selects.forEach(function (s) { s.setAttribute("data-wanted", params.get(s.name) || ""); s.value = params.get(s.name) || ""; });
    }

    function writeAddress() {
      var url = new URL(window.location.href);
      url.search = "";
      if (input.value.trim()) url.searchParams.set("q", input.value.trim());
      selects.forEach(function (s) { if (s.value) url.searchParams.set(s.name, s.value); });
      window.history.replaceState(null, "", url);
    }

    function fillFacets(pf) {
      // The dictionary order the lists use, ranked at build time (lists/order.json); the browser's collation
      // reads a polyphone by itself (重庆 as zhòng) and is only the fallback.
      var order = fetch(form.getAttribute("data-bundle").replace(/pagefind\/$/, "lists/order.json"))
        .then(function (r) { return r.ok ? r.json() : {}; }, function () { return {}; });
      return Promise.all([pf.filters(), order]).then(function (both) {
        var all = both[0], rank = both[1];
        function byRank(a, b) {
          var ra = a in rank ? rank[a] : Infinity, rb = b in rank ? rank[b] : Infinity;
          return ra !== rb ? (ra < rb ? -1 : 1) : a.localeCompare(b, "zh-Hans-CN-u-co-pinyin");
        }
        selects.forEach(function (s) {
          if (s.options.length > 1 && s.name === "类型") return;
          var values = Object.keys(all[s.name] || {}).sort(byRank);
          values.forEach(function (v) { var o = document.createElement("option"); o.value = o.textContent = v; s.appendChild(o); });
          s.value = s.getAttribute("data-wanted") || "";
        });
      });
    }

    // Traditional characters and variants → simplified (OpenCC's table, written by the build).
    var foldTable = null;
    function folding() {
      if (!foldTable) {
        foldTable = fetch(form.getAttribute("data-bundle").replace(/pagefind\/$/, "lists/t2s.json"))
          .then(function (r) { return r.ok ? r.json() : {}; }, function () { return {}; });
      }
      return foldTable;
    }

    function chosenFilters() {
      var filters = {};
      selects.forEach(function (s) { if (s.value) filters[s.name] = s.value; });
      return filters;
    }

    // Every token of every word must match (Pagefind's own rule for several terms).
    function find(pf, terms, filters) {
      if (!terms.length) return Object.keys(filters).length ? pf.search(null, { filters: filters }).then(function (r) { return r.results; }) : Promise.resolve([]);
      return pf.search(terms.join(" "), { filters: filters }).then(function (r) { return r.results; });
    }

    // The query as terms: every pair (finds any part of a name), or, for the first quick look, a
    // run of three characters or more as the one token the index also holds for whole names,
    // trades and honours (matched as a prefix: 技术能 finds 技术能手). Each term costs Pagefind
    // time in proportion to the pages it matches, so one term instead of three brings the first
    // results of a broad query (an honour thousands hold) in a third of the time.
    function terms(query, quick) {
      var all = [];
      words(query).forEach(function (w) { all = all.concat(tokens(w, quick)); });
      return all;
    }

    // The words searched for and, for a longer word, its pairs of characters (what the index
    // matches): the parts of a field to mark.
    function needles(query) {
      var out = [];
      words(query).forEach(function (w) {
        out.push(w);
        var chars = Array.from(w);
        if (chars.length > 2) for (var i = 0; i + 1 < chars.length; i++) out.push(chars[i] + chars[i + 1]);
      });
      return out;
    }

    // The fields an entry may quote (its "fields" meta: 荣誉：…｜工种：…), and the start of its text.
    function fields(d) {
      var meta = d.meta || {}, out = [];
      (meta.fields || "").split("｜").forEach(function (f) {
        var at = f.indexOf("：");
        if (at > 0) out.push({ label: f.slice(0, at), value: f.slice(at + 1) });
      });
      if (meta.text) out.push({ label: "简介", value: meta.text });
      return out;
    }

    // Why a result is there: the first field holding the whole query, else every word, else a part.
    function why(d, query) {
      var ws = words(query), whole = ws.join(""), parts = needles(query), list = fields(d);
      function has(f, n) { return f.value.indexOf(n) >= 0; }
      return list.find(function (f) { return whole && has(f, whole); }) ||
        list.find(function (f) { return ws.length && ws.every(function (w) { return has(f, w); }); }) ||
        list.find(function (f) { return parts.some(function (n) { return has(f, n); }); }) || null;
    }

    // Text with every needle found wrapped in <mark> (built as nodes: record text is never HTML).
    function marked(text, query) {
      var ranges = [];
      needles(query).forEach(function (n) {
        for (var from = 0, at; n && (at = text.indexOf(n, from)) >= 0; from = at + n.length) ranges.push([at, at + n.length]);
      });
      ranges.sort(function (a, b) { return a[0] - b[0] || b[1] - a[1]; });
      var out = document.createDocumentFragment(), done = 0;
      ranges.forEach(function (r) {
        if (r[1] <= done) return;
        var start = Math.max(r[0], done);
        if (start > done) out.appendChild(document.createTextNode(text.slice(done, start)));
        var mark = document.createElement("mark");
        mark.textContent = text.slice(start, r[1]);
        out.appendChild(mark);
        done = r[1];
      });
      if (done < text.length) out.appendChild(document.createTextNode(text.slice(done)));
      return out;
    }

    // Names first: a title equal to the query, then titles holding every word (the shortest,
    // i.e. closest, first), then a field equal to the query (the holder of the honour searched
    // for: 南浔工匠 before 南浔工匠提名), then a field holding it, then the rest in Pagefind's order.
    function rank(datas, query) {
      var ws = words(query), whole = ws.join("");
      function key(d) {
        var title = (d.meta && d.meta.title) || "";
        if (whole && title === whole) return 0;
        if (ws.length && ws.every(function (w) { return title.indexOf(w) >= 0; })) return 1;
        var list = fields(d);
        if (whole && list.some(function (f) { return f.value.split(/[、，]/).indexOf(whole) >= 0; })) return 2;
        if (whole && list.some(function (f) { return f.value.indexOf(whole) >= 0; })) return 3;
        return 4;
      }
      function length(d) { return ((d.meta && d.meta.title) || "").length; }
      // Among results found in their fields, a record before a page that merely lists it (the honours wall).
      function listing(d, k) { return k >= 2 && d.filters && d.filters["类型"] && d.filters["类型"][0] === "页面" ? 1 : 0; }
      return datas.map(function (d, i) { var k = key(d); return [k, listing(d, k), k === 1 ? length(d) : 0, i, d]; })
        .sort(function (a, b) { return a[0] - b[0] || a[1] - b[1] || a[2] - b[2] || a[3] - b[3]; })
        .map(function (x) { return x[4]; });
    }

    // A long field (an introduction) is quoted around its first match.
    function around(value, query) {
      if (value.length <= 60) return value;
      var at = Math.min.apply(null, needles(query).map(function (n) { var i = value.indexOf(n); return i < 0 ? Infinity : i; }));
      if (!isFinite(at) || at < 20) return value.slice(0, 60) + "…";
      return "…" + value.slice(at - 20, at + 40) + (at + 40 < value.length ? "…" : "");
    }

    function item(d, query) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      // The page's address from its entry (the index is built from flat entry files), else Pagefind's.
      a.href = d.meta && d.meta.page ? base() + "/" + d.meta.page : d.url;
      a.appendChild(marked((d.meta && d.meta.title) || d.url, query));
      var kind = document.createElement("span");
      kind.className = "jp-result-kind";
      kind.textContent = (d.filters && d.filters["类型"] && d.filters["类型"][0]) || "";
      var summary = document.createElement("p");
      summary.textContent = (d.meta && d.meta.summary) || "";
      li.appendChild(a); li.appendChild(document.createTextNode(" ")); li.appendChild(kind); li.appendChild(summary);
      var reason = why(d, query);
      if (reason) {  // the field that matched, the words found marked
        var p = document.createElement("p");
        p.className = "jp-why";
        var label = document.createElement("span");
        label.className = "jp-why-label";
        label.textContent = reason.label + "：";
        p.appendChild(label);
        p.appendChild(marked(around(reason.value, query), query));
        li.appendChild(p);
      }
      return li;
    }

    function showNext(count) {
      var next = pending.splice(0, count);
      return Promise.all(next.map(function (r) { return r.data(); })).then(function (datas) {
        datas.forEach(function (d) { list.appendChild(item(d, shownQuery)); });
        shown = shown.concat(datas);
        more.hidden = pending.length === 0;
      });
    }

    function notFound(query) {
      return words(query).length ? "没有找到与“" + words(query).join(" ") + "”相关的结果。可以换一个词，或只输入名字中的两个字。" : "没有符合条件的结果。";
    }

    function wrap(d) { return { data: function () { return Promise.resolve(d); } }; }

    // The first page of results: the first few ranked together (names first), the rest in Pagefind's
    // order. Returns what was ranked, for a second look when more results come (see search).
    function showFirst(results, query, mine, before) {
      var head = results.slice(0, 3 * PAGE);
      var rest = results.slice(3 * PAGE);
      return Promise.all(head.map(function (r) { return r.data(); })).then(function (datas) {
        if (mine !== run) return null;
        var ranked = rank((before || []).concat(datas), query);
        list.textContent = "";
        ranked.slice(0, PAGE).forEach(function (d) { list.appendChild(item(d, query)); });
        pending = ranked.slice(PAGE).map(wrap).concat(rest);
        more.hidden = pending.length === 0;
        return { ranked: ranked, rest: rest };
      });
    }

    function search() {
      var mine = ++run;
      var query = input.value, filters = chosenFilters();
      writeAddress();
      list.textContent = "";
      more.hidden = true;
      shown = [];
      if (!words(query).length && !Object.keys(filters).length) { status.textContent = ""; return; }
      status.textContent = "正在搜索……";
      load().then(function (pf) {
        return folding().then(function (table) {
          query = Array.from(query, function (c) { return table[c] || c; }).join("");  // 陸明華 → 陆明华, as the entries are
          shownQuery = query;
          var quick = terms(query, true), full = terms(query, false);
          if (quick.join(" ") === full.join(" ")) return find(pf, full, filters).then(function (results) { return [results, null]; });
          // Whole names first, shown as soon as they come; every pair's matches are asked for only then
          // (Pagefind works on the page's own thread: asked together, the long search would hold the short one back).
          return find(pf, quick, filters).then(function (found) {
            return [found, function () { return find(pf, full, filters); }];
          });
        });
      }).then(function (both) {
        if (mine !== run) return;
        var first = both[0], rest = both[1];
        if (!rest) {
          if (!first.length) { status.textContent = notFound(query); return; }
          status.textContent = "找到 " + first.length + " 条结果";
          return showFirst(first, query, mine);
        }
        if (first.length >= ENOUGH) {
          // So many whole-name matches that every pair's would keep Pagefind busy for minutes (it scores
          // every match on the page's thread): the visitor narrows the query instead.
          status.textContent = "找到 " + first.length + " 条名称、荣誉或工种以“" + words(query).join(" ") +
            "”开头的结果；结果很多，名称中间含有这些字的没有再查找，可以再加一个词（如姓名或单位）缩小范围。";
          return showFirst(first, query, mine);
        }
        var early = first.length ? (status.textContent = "找到 " + first.length + " 条结果，正在查找更多……",
                                   showFirst(first, query, mine)) : Promise.resolve(null);
        // After the first results are on the screen (a frame to paint them), every pair's matches.
        var later = early.then(function (shownFirst) {
          return new Promise(function (done) { window.setTimeout(done, 50); }).then(function () {
            return mine === run ? rest().then(function (results) { return [shownFirst, results]; }) : [shownFirst, []];
          });
        });
        return later.then(function (got) {
          if (mine !== run) return;
          var shownFirst = got[0], results = got[1];
          if (!results.length && !first.length) { status.textContent = notFound(query); return; }
          status.textContent = "找到 " + Math.max(results.length, first.length) + " 条结果";
          if (!shownFirst) return showFirst(results, query, mine);
          // Every pair's matches: the best of those not seen yet are ranked with the first ones (a name
          // holding the query, 维修电工工作室, still comes before a trade equal to it); the rest follow.
          var firstIds = {};
          first.forEach(function (r) { firstIds[r.id] = true; });
          var extra = results.filter(function (r) { return !firstIds[r.id]; });
          var head = extra.slice(0, 3 * PAGE), headIds = {};
          head.forEach(function (r) { headIds[r.id] = true; });
          return showFirst(head, query, mine, shownFirst.ranked).then(function (again) {
            if (!again) return;
            pending = pending.concat(shownFirst.rest.filter(function (r) { return !headIds[r.id]; }), extra.slice(3 * PAGE));
            more.hidden = pending.length === 0;
          });
        });
      }).catch(function () {
        if (mine === run) status.textContent = "搜索索引没有加载成功，请刷新页面重试。";
      });
    }

    form.addEventListener("submit", function (e) { e.preventDefault(); search(); });
    selects.forEach(function (s) { s.addEventListener("change", search); });
    var typing = null;
    input.addEventListener("input", function () { clearTimeout(typing); typing = setTimeout(search, 250); });
    more.addEventListener("click", function () { showNext(PAGE); });
    // The facets' values come from Pagefind's filter index, large on a big registry: loaded
    // only when a visitor reaches for a facet (or the address names one), never for a plain query.
    var facets = null;
    function withFacets() {
      if (!facets) facets = load().then(fillFacets);
      return facets;
    }
    selects.forEach(function (s) {
      ["focus", "pointerdown"].forEach(function (e) { s.addEventListener(e, withFacets); });
    });
    readAddress();
    var wanted = selects.some(function (s) { return s.getAttribute("data-wanted") && s.name !== "类型"; });
    (wanted ? withFacets() : Promise.resolve()).then(function () { if (input.value || Object.keys(chosenFilters()).length) search(); })
      .catch(function () { status.textContent = "搜索索引没有加载成功，请刷新页面重试。"; });
  }

  function setup() { addHeaderButton(); setupSearchPage(); }
  if (typeof document$ !== "undefined" && document$.subscribe) { document$.subscribe(setup); } else { setup(); }
})();

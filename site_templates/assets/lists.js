// Lists that scale (generator/render/site/lists.py). The page holds the first rows as
// HTML; when the visitor filters, sorts or turns a page, the whole list is loaded once
// from its JSON file and shown 50 rows a page. The choices live in the address
// (?工种=电工&页=2), so a link can open a filtered list (the home page's cards do).
(function () {
  "use strict";
  var PAGE = 50;
  var collator = new Intl.Collator("zh-Hans-CN-u-co-pinyin", { numeric: true });

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    for (var k in attrs || {}) node.setAttribute(k, attrs[k]);
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function setupList(box) {
    if (box.getAttribute("data-ready")) return;
    box.setAttribute("data-ready", "1");
    var form = box.querySelector("form");
    var text = form.querySelector("input[name=q]");
    var facets = Array.prototype.slice.call(form.querySelectorAll("select[data-key]"));
    var sorter = form.querySelector("select[data-sort]");
    var count = box.querySelector(".jp-count");
    var cards = box.getAttribute("data-layout") === "cards";
    var table = box.querySelector(cards ? "[data-items]" : "table");
    var body = cards ? table : table.tBodies[0];
    var empty = box.querySelector(".jp-empty");
    var pager = box.querySelector(".jp-pager");
    var root = box.getAttribute("data-root");
    var data = null, page = 1;

    function load() {
      if (!data) {
        data = fetch(box.getAttribute("data-src")).then(function (r) {
          if (!r.ok) throw new Error(r.status);
          return r.json();
        }).then(function (json) {
          var rows = json.rows.map(function (values) {
            var row = {};
            json.fields.forEach(function (f, i) { row[f] = values[i]; });
            return row;
          });
          return { fields: json.fields, rows: rows };
        });
      }
      return data;
    }

    function readAddress() {
      var params = new URL(window.location.href).searchParams;
      text.value = params.get("查找") || "";
      facets.forEach(function (s) {
        var wanted = params.get(s.name) || "";
        // A value no row has (状态=培养中 on a list with none) is kept and shown, never dropped: the
        // visitor sees "没有符合条件的" instead of every row under a filter that says otherwise.
        if (wanted && !Array.prototype.some.call(s.options, function (o) { return o.value === wanted; })) {
          s.appendChild(el("option", { value: wanted }, wanted));
        }
        s.value = wanted;
      });
      if (sorter && params.get("排序")) sorter.value = params.get("排序");
      page = Math.max(1, parseInt(params.get("页") || "1", 10) || 1);
    }

    function writeAddress() {
      var url = new URL(window.location.href);
      ["查找", "排序", "页"].concat(facets.map(function (s) { return s.name; })).forEach(function (k) { url.searchParams.delete(k); });
      if (text.value.trim()) url.searchParams.set("查找", text.value.trim());
      facets.forEach(function (s) { if (s.value) url.searchParams.set(s.name, s.value); });
      if (sorter && sorter.selectedIndex > 0) url.searchParams.set("排序", sorter.value);
      if (page > 1) url.searchParams.set("页", String(page));
      window.history.replaceState(null, "", url);
    }

    function active() {
      return text.value.trim() || page > 1 || (sorter && sorter.selectedIndex > 0) || facets.some(function (s) { return s.value; });
    }

    function matches(row) {
      var q = text.value.trim().toLowerCase();
      if (q) {
        var keys = text.getAttribute("data-keys").split(" ");
        var hay = keys.map(function (k) { var v = row[k]; return Array.isArray(v) ? v.join(" ") : String(v == null ? "" : v); }).join(" ").toLowerCase();
        if (q.split(/\s+/).some(function (w) { return hay.indexOf(w) < 0; })) return false;
      }
      return facets.every(function (s) {
        if (!s.value) return true;
        var v = row[s.getAttribute("data-key")];
        var values = Array.isArray(v) ? v.map(String) : [String(v == null ? "" : v)];
        if (s.getAttribute("data-match") === "contains") return values.some(function (x) { return x.indexOf(s.value) >= 0; });
        return values.indexOf(s.value) >= 0;
      });
    }

    function sortRows(rows) {
      if (!sorter || sorter.selectedIndex === 0) return rows;  // the page's own order
      var key = sorter.value.replace(/^-/, ""), down = sorter.value.charAt(0) === "-";
      var facet = facets.filter(function (s) { return s.getAttribute("data-key") === key; })[0];
      var rank = facet ? Array.prototype.map.call(facet.options, function (o) { return o.value; }) : null;
      function compare(a, b) {
        var x = a[key], y = b[key], c;
        if (rank) c = rank.indexOf(String(x)) - rank.indexOf(String(y));
        else if (typeof x === "number" && typeof y === "number") c = x - y;
        else c = collator.compare(String(x == null ? "" : x), String(y == null ? "" : y));
        return down ? -c : c;
      }
      return rows.slice().sort(compare);
    }

    function cell(row, td, tag) {
      var key = td.key, value = row[key], link = td.link;
      var cellNode = el(tag, tag === "td" ? { "data-label": td.label } : {});
      var shown = Array.isArray(value) ? value.join("、") : (value == null ? "" : String(value));
      var id = row[key + "_id"];
      if (link && id) {
        var kind = link === "holder" ? row[key + "_kind"] : link;
        cellNode.appendChild(el("a", { href: root + kind + "/" + id + "/" }, shown));
      } else if (td.kind === "status") {
        cellNode.appendChild(el("span", { "class": "jp-status jp-status-" + shown }, shown));
      } else if (td.kind === "date") {
        cellNode.appendChild(el("span", { "class": "jp-date" }, shown || "—"));
      } else {
        cellNode.textContent = shown;
      }
      return cellNode;
    }

    var spec = JSON.parse(box.getAttribute("data-columns") || "[]");

    function tableRow(row) {
      var tr = el("tr");
      spec.forEach(function (td) { tr.appendChild(cell(row, td, "td")); });
      return tr;
    }

    // A card: the first column as its title, the others as a line of fields (as _list.j2 draws it).
    function item(row) {
      var li = el("li", { "class": "jp-item" });
      if (row.thumb) {
        li.appendChild(el("img", { "class": "jp-thumb", src: root + row.thumb, alt: "", width: "56", height: "56", loading: "lazy", decoding: "async" }));
      }
      var title = cell(row, spec[0], "span");
      title.className = "jp-item-title";
      li.appendChild(title);
      var fields = el("span", { "class": "jp-item-fields" });
      spec.slice(1).forEach(function (td) {
        var v = row[td.key];
        if (v == null || v === "" || (Array.isArray(v) && !v.length)) return;
        var field = cell(row, td, "span");
        field.insertBefore(el("span", { "class": "jp-visually-hidden" }, td.label + "："), field.firstChild);
        fields.appendChild(field);
      });
      li.appendChild(fields);
      return li;
    }

    function render(rows) {
      var pages = Math.max(1, Math.ceil(rows.length / PAGE));
      page = Math.min(page, pages);
      body.textContent = "";
      rows.slice((page - 1) * PAGE, page * PAGE).forEach(function (row) {
        body.appendChild(cards ? item(row) : tableRow(row));
      });
      table.hidden = rows.length === 0;
      empty.hidden = rows.length !== 0;
      count.textContent = rows.length ? "共 " + rows.length + " 条" + (pages > 1 ? "，第 " + page + "/" + pages + " 页" : "") : "";
      pager.textContent = "";
      pager.hidden = pages < 2;
      if (pages > 1) {
        [["上一页", page - 1, page > 1], ["下一页", page + 1, page < pages]].forEach(function (b) {
          var button = el("button", { type: "button", "class": "md-button" }, b[0]);
          button.disabled = !b[2];
          button.addEventListener("click", function () { page = b[1]; update(); box.scrollIntoView(); });
          pager.appendChild(button);
        });
      }
    }

    function update() {
      writeAddress();
      count.textContent = "正在加载……";
      load().then(function (all) {
        render(sortRows(all.rows.filter(matches)));
      }).catch(function () {
        count.textContent = "列表没有加载成功，请刷新页面重试。";
      });
    }

    form.addEventListener("submit", function (e) { e.preventDefault(); page = 1; update(); });
    facets.forEach(function (s) { s.addEventListener("change", function () { page = 1; update(); }); });
    if (sorter) sorter.addEventListener("change", function () { page = 1; update(); });
    var typing = null;
    text.addEventListener("input", function () { clearTimeout(typing); typing = setTimeout(function () { page = 1; update(); }, 250); });
    // The page's own first page has a plain link to page 2 (it works without JavaScript too): with
    // JavaScript, it turns the page in place like the other buttons.
    var first = pager.querySelector("a[data-page]");
    if (first) first.addEventListener("click", function (e) { e.preventDefault(); page = 2; update(); box.scrollIntoView(); });
    readAddress();
    if (active()) update();
  }

  function setup() { document.querySelectorAll(".jp-list").forEach(setupList); }
  if (typeof document$ !== "undefined" && document$.subscribe) { document$.subscribe(setup); } else { setup(); }
})();

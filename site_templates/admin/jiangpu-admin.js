/* 匠谱在线编辑页：不需要服务器的登录、编号建议与查重、撤回记录前列出引用它的记录。
 *
 * Decap CMS（decap-cms.js，随网站发布）在这里手动启动（CMS_MANUAL_INIT）：先登录，再注册本登记册的
 * 两个表单控件，最后 CMS.init() 读取 config.yml。editor.json 由 python -m generator build 生成，
 * 只含网站本来就公开的内容（编号、名称、徒弟的打码姓名、引用关系、拼音表）。
 *
 * 登录：Decap 的 GitHub 登录需要单位另外部署一个 OAuth 服务器。这里改用 GitHub 的细粒度个人访问令牌：
 * 先向 GitHub 确认令牌能写这个仓库，再按 Decap 3.16 自己保存登录状态的方式（localStorage 的
 * decap-cms-user）存下，Decap 启动时照常恢复登录。测试 tests/render/test_cms.py 核对这个写法与随网站发布的
 * Decap 版本一致。
 */
(function () {
  "use strict";

  var USER_KEY = "decap-cms-user"; // Decap 3.16.3: AuthStore.storageKey
  var data = null;

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === "text") node.textContent = attrs[key];
      else node.setAttribute(key, attrs[key]);
    });
    (children || []).forEach(function (child) {
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  // ------------------------------------------------------------ sign-in

  function storedUser() {
    try {
      var user = JSON.parse(window.localStorage.getItem(USER_KEY) || "null");
      return user && user.token ? user : null;
    } catch (e) {
      return null;
    }
  }

  function checkToken(token) {
    var url = data.signin.api_root + "/repos/" + data.signin.repo;
    return fetch(url, { headers: { Authorization: "token " + token, Accept: "application/vnd.github+json" } }).then(
      function (response) {
        if (response.status === 401) throw new Error("令牌无效或已过期：请重新生成一个，复制完整后再粘贴");
        if (response.status === 404 || response.status === 403)
          throw new Error("这个令牌看不到仓库 " + data.signin.repo + "：生成令牌时请在“仓库访问”中选中它");
        if (!response.ok) throw new Error("GitHub 暂时无法确认这个令牌（" + response.status + "），请稍后再试");
        return response.json();
      },
      function () {
        throw new Error("连不上 GitHub（" + data.signin.api_root + "）：请检查网络后再试");
      }
    ).then(function (repo) {
      if (!repo.permissions || !repo.permissions.push)
        throw new Error("这个令牌只能读、不能写仓库 " + data.signin.repo + "：权限中“Contents”和“Pull requests”请选“读写”");
    });
  }

  function signInPage() {
    var panel = document.getElementById("jiangpu-signin");
    var form = panel.querySelector("form");
    var input = panel.querySelector("#jiangpu-token");
    var problem = panel.querySelector("#jiangpu-signin-problem");
    panel.querySelector("#jiangpu-repo").textContent = data.signin.repo;
    panel.querySelector("#jiangpu-new-token").setAttribute("href", data.signin.token_url);
    if (data.signin.oauth) {
      var other = panel.querySelector("#jiangpu-oauth");
      other.hidden = false;
      other.querySelector("button").addEventListener("click", function () {
        panel.remove();
        start();
      });
    }
    panel.hidden = false;
    input.focus();
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var token = input.value.trim();
      problem.textContent = "";
      if (!token) {
        problem.textContent = "请先粘贴访问令牌";
        return;
      }
      form.querySelector("button").disabled = true;
      problem.textContent = "正在向 GitHub 确认……";
      checkToken(token).then(
        function () {
          window.localStorage.setItem(USER_KEY, JSON.stringify({ token: token, backendName: "github" }));
          panel.remove();
          start();
        },
        function (error) {
          problem.textContent = error.message;
          form.querySelector("button").disabled = false;
        }
      );
    });
  }

  // ------------------------------------------------------------ ids

  function folderOf(props) {
    return props.collection.get("name");
  }

  function isNew() {
    return /\/new(\?|$)/.test(window.location.hash);
  }

  function pinyin(text) {
    var out = [];
    Array.from(text || "").forEach(function (ch) {
      var reading = data.pinyin[ch];
      if (reading) out.push(reading);
      else if (/[A-Za-z0-9]/.test(ch)) out.push(ch.toLowerCase());
    });
    return out;
  }

  function free(stem, taken) {
    stem = stem.slice(0, 56).replace(/^-+|-+$/g, "") || "record";
    var chosen = stem;
    for (var n = 2; taken[chosen] !== undefined; n += 1) chosen = stem + "-" + n;
    return chosen;
  }

  // Decap hands a widget the entry as it was when the widget last changed, not as the clerk is
  // typing it elsewhere in the form: what the suggestion follows is read from the form itself
  // (Decap names each control "<field>-field-<n>"; the first is the record's own, above any list).
  function typed(fieldName) {
    var input = document.querySelector('[id^="' + fieldName + '-field-"]');
    if (!input) return "";
    var chosen = input.closest("[class*=-container]");
    var shown = chosen && chosen.querySelector("[class*=singleValue]");
    return (shown ? shown.textContent : input.value || "").trim();
  }

  function current(entry, fieldName) {
    return typed(fieldName) || String(entry.getIn(["data", fieldName]) || "");
  }

  function programmeId(entry) {
    var shown = typed("programme");
    var names = data.ids.programmes || {};
    var found = Object.keys(names).filter(function (id) { return names[id] === shown; });
    return found.length === 1 ? found[0] : String(entry.getIn(["data", "programme"]) || "");
  }

  function nextPair(entry, taken) {
    var programme = programmeId(entry);
    var day = current(entry, "signed") || current(entry, "start");
    var year = /^\d{4}/.test(day) ? day.slice(0, 4) : String(new Date().getFullYear());
    var prefix = data.pair_prefixes[programme] || Object.values(data.pair_prefixes)[0] || "pair";
    var highest = 0;
    Object.keys(taken).forEach(function (id) {
      var m = id.match(/^(.+?)-(\d{4})-(\d+)$/);
      if (m && m[1] === prefix && m[2] === year) highest = Math.max(highest, Number(m[3]));
    });
    return { id: prefix + "-" + year + "-" + String(highest + 1).padStart(3, "0"), why: "本活动 " + year + " 年的下一个序号" };
  }

  function suggest(props) {
    var folder = folderOf(props);
    var taken = data.ids[folder] || {};
    var entry = props.entry;
    if (folder === "pairs") return nextPair(entry, taken);
    var name = current(entry, "name");
    if (!name) return null;
    var syllables = pinyin(name);
    if (!syllables.length) return null;
    var person = folder === "masters" && syllables.length > 1;
    var stem = person ? syllables[0] + "-" + syllables.slice(1).join("") : syllables.join("");
    return { id: free(stem, taken), why: "“" + name + "”的拼音" };
  }

  function registerIdWidget() {
    var h = window.h;
    var IdControl = window.createClass({
      // The suggestion follows the name (or programme and dates) typed elsewhere in the form.
      shouldComponentUpdate: function () { return true; },
      componentDidMount: function () {
        var self = this;
        this.follow = function (event) {
          if (!self.node || !self.node.contains(event.target)) self.forceUpdate();
        };
        ["input", "change", "click", "focusin"].forEach(function (type) { document.addEventListener(type, self.follow, true); });
      },
      componentWillUnmount: function () {
        var self = this;
        ["input", "change", "click", "focusin"].forEach(function (type) { document.removeEventListener(type, self.follow, true); });
      },
      isValid: function () {
        var value = this.props.value || "";
        var taken = data.ids[folderOf(this.props)] || {};
        if (isNew() && value && taken[value] !== undefined) {
          var better = suggest(this.props);
          return {
            error: {
              message: "编号“" + value + "”已被“" + taken[value] + "”使用" + (better ? "：可以改用 " + better.id : "，请换一个"),
            },
          };
        }
        return true;
      },
      render: function () {
        var props = this.props;
        if (!isNew()) {
          return h("div", { className: props.classNameWrapper, id: props.forID },
            h("code", null, props.value), "　（编号就是文件名，保存后不能再改）");
        }
        var hint = suggest(props);
        var children = [
          h("input", {
            key: "input", id: props.forID, className: props.classNameWrapper, type: "text", value: props.value || "",
            onChange: function (event) { props.onChange(event.target.value.trim()); },
            onFocus: props.setActiveStyle, onBlur: props.setInactiveStyle,
          }),
        ];
        if (hint && hint.id !== props.value) {
          children.push(h("p", { key: "hint", className: "jiangpu-suggestion" }, "建议编号：",
            h("button", { type: "button", onClick: function () { props.onChange(hint.id); } }, "使用 " + hint.id),
            "（" + hint.why + "）"));
        }
        var self = this;
        return h("div", { ref: function (node) { self.node = node; } }, children);
      },
    });
    window.CMS.registerWidget("jiangpu-id", IdControl);
  }

  // ------------------------------------------------------------ withdrawal

  function field(value, key) {
    if (!value) return "";
    return (value.get ? value.get(key) : value[key]) || "";
  }

  function registerWithdrawWidget() {
    var h = window.h;
    var Withdraw = window.createClass({
      isValid: function () {
        var value = this.props.value;
        if (value && (value.get ? value.size : Object.keys(value).length) && !String(field(value, "reason")).trim())
          return { error: { message: "撤回要写明原因（如 重复录入、协议未签订）" } };
        return true;
      },
      referrers: function () {
        var id = this.props.entry.getIn(["data", "id"]);
        return data.referrers[folderOf(this.props) + "/" + id] || [];
      },
      withdraw: function () {
        var refs = this.referrers();
        var lines = refs.slice(0, 15).map(function (r) { return "· " + r[1]; });
        if (refs.length > 15) lines.push("……共 " + refs.length + " 条");
        var text = refs.length
          ? "以下 " + refs.length + " 条记录引用了这条记录：\n" + lines.join("\n") +
            "\n\n撤回后它们会被检查拦下，请先修改它们。仍要撤回吗？"
          : "撤回后，这条记录不再出现在网站、表格、台账和统计中（文件留在仓库里备查）。要撤回吗？";
        if (!window.confirm(text)) return;
        var today = new Date();
        var day = today.getFullYear() + "-" + String(today.getMonth() + 1).padStart(2, "0") + "-" + String(today.getDate()).padStart(2, "0");
        this.props.onChange({ date: day, reason: "" });
      },
      render: function () {
        var props = this.props;
        var self = this;
        var value = props.value;
        var refs = this.referrers();
        var listed = refs.length
          ? h("details", { key: "refs" }, h("summary", null, "引用这条记录的有 " + refs.length + " 条"),
              h("ul", null, refs.slice(0, 50).map(function (r) { return h("li", { key: r[0] }, r[1]); })))
          : h("p", { key: "refs" }, "没有其他记录引用这条记录。");
        if (isNew()) return h("p", { id: props.forID, className: props.classNameWrapper }, "新建的记录不需要撤回。");
        var wrapper = props.classNameWrapper + " jiangpu-withdraw";
        if (!value || !(value.get ? value.size : Object.keys(value).length)) {
          return h("div", { id: props.forID, className: wrapper }, listed,
            h("button", { key: "go", type: "button", onClick: function () { self.withdraw(); } }, "撤回这条记录……"));
        }
        return h("div", { id: props.forID, className: wrapper }, listed,
          h("p", { key: "day" }, "撤回日期：" + field(value, "date")),
          h("label", { key: "why", htmlFor: props.forID + "-reason" }, "撤回原因"),
          h("input", {
            key: "reason", id: props.forID + "-reason", type: "text", maxLength: 200, value: field(value, "reason"),
            onChange: function (event) { props.onChange({ date: field(value, "date"), reason: event.target.value }); },
          }),
          h("button", { key: "undo", type: "button", onClick: function () { props.onChange(undefined); } }, "取消撤回"));
      },
    });
    window.CMS.registerWidget("jiangpu-withdraw", Withdraw);
  }

  // ------------------------------------------------------------ messages

  // Decap shows a refused save as "保存内容失败: API_ERROR: <the gate's message>": the name of its
  // error class means nothing to a clerk, and the gate's own Chinese sentence says it all.
  var ERROR_NAME = /\bAPI_ERROR:\s*/g;

  function dropErrorNames(node) {
    if (node.nodeType === Node.TEXT_NODE) {
      if (ERROR_NAME.test(node.nodeValue)) node.nodeValue = node.nodeValue.replace(ERROR_NAME, "");
      ERROR_NAME.lastIndex = 0;
      return;
    }
    if (node.nodeType !== Node.ELEMENT_NODE || (node.textContent || "").indexOf("API_ERROR") < 0) return;
    var walker = document.createTreeWalker(node, NodeFilter.SHOW_TEXT);
    for (var text = walker.nextNode(); text; text = walker.nextNode()) dropErrorNames(text);
  }

  function watchMessages() {
    new MutationObserver(function (changes) {
      changes.forEach(function (change) {
        if (change.type === "characterData") dropErrorNames(change.target);
        change.addedNodes.forEach(dropErrorNames);
      });
    }).observe(document.body, { childList: true, subtree: true, characterData: true });
  }

  // ------------------------------------------------------------ start

  function start() {
    var panel = document.getElementById("jiangpu-signin");
    if (panel) panel.remove();
    // A field's own check says the whole sentence (cms_checks.py): Decap's frame around it would repeat the label.
    var phrases = window.CMS.getLocale("zh_Hans");
    if (phrases && phrases.editor && phrases.editor.editorControlPane) {
      phrases.editor.editorControlPane.widget.regexPattern = "%{pattern}";
      window.CMS.registerLocale("zh_Hans", phrases);
    }
    registerIdWidget();
    registerWithdrawWidget();
    watchMessages();
    window.CMS.init();
  }

  fetch("editor.json", { cache: "no-cache" })
    .then(function (response) { return response.json(); })
    .then(function (loaded) {
      data = loaded;
      if (data.signin.local || storedUser()) start();
      else signInPage();
    })
    .catch(function () {
      document.body.appendChild(el("p", { role: "alert", text: "在线编辑页没有生成完整（缺少 editor.json）：请重新生成网站" }));
    });
})();

/*
 * sheet.js — the evaluator's score sheet in the field (测评评分表, issue 10).
 *
 * The page works without it: one form posts every leaf.  With it, each change is kept at once
 * as a draft in the browser (localStorage, per account, round and unit) and the leaf shows
 * 未保存; "保存" sends the draft to the API as one batch (POST …/sheet) and each leaf shows
 * 已保存, or why it was refused.  Without network the draft stays in the browser, is shown
 * again when the page is opened again, and is sent when the network comes back.  Leaving
 * the page with unsaved scores asks first.
 */
(function () {
  'use strict';
  var form = document.getElementById('sheet');
  if (!form || form.getAttribute('data-editable') !== '1' || !window.localStorage ||
      !window.fetch || !window.JSON) {
    return;
  }
  var rid = form.getAttribute('data-round');
  var eid = form.getAttribute('data-entry');
  var key = 'wenming.sheet.' + form.getAttribute('data-user') + '.' + rid + '.' + eid;
  var api = '/api/v1/rounds/' + rid + '/entries/' + eid + '/sheet';
  var csrfInput = form.querySelector('input[name=csrf]');
  var csrf = csrfInput ? csrfInput.value : '';
  var banner = document.getElementById('sheet-offline');
  var sending = false;

  function load() {
    try {
      return JSON.parse(localStorage.getItem(key)) || {};
    } catch (e) {
      return {};
    }
  }
  function store(d) {
    if (Object.keys(d).length) {
      localStorage.setItem(key, JSON.stringify(d));
    } else {
      localStorage.removeItem(key);
    }
  }
  function cardOf(code) {
    var all = form.querySelectorAll('section.leaf');
    for (var i = 0; i < all.length; i++) {
      if (all[i].getAttribute('data-code') === code) return all[i];
    }
    return null;
  }
  function fields(card) {
    return card.querySelectorAll('input[name], select[name], textarea[name]');
  }

  /* The card's inputs as the API takes them. */
  function read(card) {
    var code = card.getAttribute('data-code');
    var o = { code: code };
    var ded = [];
    var ev = [];
    var els = fields(card);
    for (var i = 0; i < els.length; i++) {
      var el = els[i];
      var n = el.name;
      var v = el.value.trim();
      if (n === 'value_' + code && v) o.value = v;
      else if (n === 'grade_' + code && el.checked) o.grade = v;
      else if (n === 'method_' + code && v) o.method = v;
      else if (n === 'comment_' + code && v) o.comment = v;
      else if (n === 'veto_' + code && el.checked) o.veto = true;
      else if (n === 'veto_reason_' + code) o._veto_reason = v;
      else if (n.indexOf('ev_' + code + '_') === 0 && el.checked) ev.push(parseInt(v, 10));
    }
    var lines = card.querySelectorAll('div.ded');
    for (var k = 0; k < lines.length; k++) {
      var ins = lines[k].querySelectorAll('input');
      var r = ins[0].value.trim();
      var p = ins[1].value.trim();
      if (r || p) ded.push({ reason: r, points: p });
    }
    if (ded.length) o.deductions = ded;
    if (ev.length) o.evidence = ev;
    if (o.veto) o.veto_reason = o._veto_reason || '';
    delete o._veto_reason;
    return o;
  }
  /* The raw state of the card's inputs, to put back after a reload. */
  function snapshot(card) {
    var s = {};
    var els = fields(card);
    for (var i = 0; i < els.length; i++) {
      var el = els[i];
      if (el.type === 'checkbox' || el.type === 'radio') {
        s[el.name + '=' + el.value] = el.checked;
      } else {
        s[el.name] = el.value;
      }
    }
    return s;
  }
  function restore(card, s) {
    var els = fields(card);
    for (var i = 0; i < els.length; i++) {
      var el = els[i];
      if (el.type === 'checkbox' || el.type === 'radio') {
        var k = el.name + '=' + el.value;
        if (k in s) el.checked = s[k];
      } else if (el.name in s) {
        el.value = s[el.name];
      }
    }
  }
  function mark(card, state, msg) {
    var b = card.querySelector('.state');
    var err = card.querySelector('.err');
    if (b) {
      b.setAttribute('data-state', state);
      b.className = 'state badge ' + (state === 'saved' ? 'published' : 'draft');
      b.textContent = state === 'saved' ? '已保存' : '未保存';
    }
    if (err) {
      err.textContent = msg || '';
      err.hidden = !msg;
    }
  }
  function say(msg) {
    if (!banner) return;
    banner.textContent = msg || '';
    banner.hidden = !msg;
  }
  function pending() {
    return Object.keys(load()).length;
  }

  /* Keep a changed leaf in the draft at once. */
  function changed(ev) {
    var card = ev.target.closest ? ev.target.closest('section.leaf') : null;
    if (!card) return;
    var d = load();
    var code = card.getAttribute('data-code');
    d[code] = { fields: snapshot(card), leaf: read(card), at: Date.now() };
    store(d);
    mark(card, 'dirty');
  }
  form.addEventListener('input', changed);
  form.addEventListener('change', changed);

  /* Show the values the server computed after a save. */
  function refresh() {
    return fetch(api, { credentials: 'same-origin' }).then(function (resp) {
      return resp.ok ? resp.json() : null;
    }).then(function (v) {
      if (!v) return;
      var d = load();
      (v.leaves || []).forEach(function (l) {
        var card = cardOf(l.code);
        if (!card || d[l.code]) return;
        var out = card.querySelector('.now .cur');
        if (out && l.score) out.textContent = l.score.value === null ? '—' : l.score.value + ' 分';
      });
    }).catch(function () {});
  }

  /* Send the draft as one batch; submit the sheet when asked. */
  function send(submit) {
    var d = load();
    var codes = Object.keys(d);
    if (sending || (!codes.length && !submit)) return Promise.resolve();
    if (navigator.onLine === false) {
      say('网络不可用：评分已保存在本机（' + codes.length + ' 项），联网后自动提交。');
      return Promise.resolve();
    }
    sending = true;
    var body = { scores: codes.map(function (c) { return d[c].leaf; }), submit: !!submit };
    return fetch(api, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf },
      body: JSON.stringify(body)
    }).then(function (resp) {
      return resp.json().then(function (j) { return { ok: resp.ok, j: j }; });
    }).then(function (res) {
      sending = false;
      if (!res.ok) {
        var e = res.j && res.j.error ? res.j.error.message : '保存失败';
        say(e);
        return;
      }
      var left = load();
      (res.j.results || []).forEach(function (x) {
        var card = cardOf(x.code);
        var sent = d[x.code];
        if (x.status === 'saved') {
          /* changed again while sending: keep the newer draft */
          if (left[x.code] && sent && left[x.code].at === sent.at) delete left[x.code];
          if (card && !left[x.code]) mark(card, 'saved');
        } else if (card) {
          mark(card, 'dirty', x.error);
        }
      });
      store(left);
      if (res.j.submitted) {
        window.location.reload();
        return;
      }
      var n = Object.keys(left).length;
      say(n ? '有 ' + n + ' 项未保存，请按提示修改。' : '');
      return refresh();
    }).catch(function () {
      sending = false;
      say('网络不可用：评分已保存在本机（' + codes.length + ' 项），联网后自动提交。');
    });
  }

  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    var action = ev.submitter && ev.submitter.value === 'submit';
    send(action);
  });
  window.addEventListener('online', function () {
    if (pending()) send(false);
    else say('');
  });
  window.addEventListener('offline', function () {
    say('网络已断开：评分先保存在本机，联网后自动提交。');
  });
  window.addEventListener('beforeunload', function (ev) {
    if (pending()) {
      ev.preventDefault();
      ev.returnValue = '';
    }
  });

  /* A draft left from before (offline, or the page closed): put it back. */
  var d = load();
  var codes = Object.keys(d);
  codes.forEach(function (code) {
    var card = cardOf(code);
    if (!card) return;
    restore(card, d[code].fields || {});
    mark(card, 'dirty');
  });
  if (codes.length) {
    say('本机有 ' + codes.length + ' 项未提交的评分，点击“保存”提交。');
  }
})();

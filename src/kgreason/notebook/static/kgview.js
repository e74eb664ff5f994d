/*
 * kgview.js - the interactive graph view of kgreason (part of kgreason, Apache-2.0; see LICENSE here).
 *
 * Self-contained: no network, no other library. A canvas draws the nodes (coloured by label) and the
 * directed edges; a small force simulation lays them out. Wheel zooms around the pointer, dragging the
 * background pans, dragging a node moves it, hovering shows a node's or an edge's properties, a click on
 * a listed path highlights that path alone. When the first layout has been drawn the root element gets
 * data-status="drawn" and a hidden list of the drawn nodes, so a headless browser can check the result.
 *
 * Data: {nodes: [{id, label, labels, color, props, answer, topic, on_path}],
 *        edges: [{id, source, target, type, props, on_path}], paths: [{title, nodes, edges, highlight}],
 *        legend: [{label, color}], title, height}
 */
(function () {
  "use strict";

  var PATH_COLOR = "#d62728";
  var EDGE_COLOR = "#9aa0a6";
  var ANSWER_RING = "#111111";

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  function fmt(value) {
    if (value === null || value === undefined) return "null";
    if (typeof value === "string") return value;
    try {
      return JSON.stringify(value);
    } catch (err) {
      return String(value);
    }
  }

  function View(root, data) {
    var started = Date.now();
    this.root = root;
    this.data = data;
    this.nodes = data.nodes.map(function (n, i) {
      // Deterministic start: a sunflower spiral, so the same data gives the same layout.
      var r = 30 * Math.sqrt(i + 0.5);
      var a = i * 2.399963229728653;
      return {
        d: n, id: n.id, x: r * Math.cos(a), y: r * Math.sin(a), vx: 0, vy: 0,
        deg: 0, fixed: false, r: 8
      };
    });
    this.index = Object.create(null); // node ids are data: no prototype keys
    for (var i = 0; i < this.nodes.length; i++) this.index[this.nodes[i].id] = this.nodes[i];
    var self = this;
    var pairs = Object.create(null);
    this.edges = [];
    data.edges.forEach(function (e) {
      var s = self.index[e.source], t = self.index[e.target];
      if (!s || !t) return;
      s.deg++; t.deg++;
      var key = s.id < t.id ? s.id + "\u0000" + t.id : t.id + "\u0000" + s.id;
      pairs[key] = (pairs[key] || 0) + 1;
      self.edges.push({ d: e, s: s, t: t, key: key, k: pairs[key] - 1 });
    });
    this.edges.forEach(function (e) {
      // Parallel edges between one pair bend apart instead of drawing on top of each other.
      var n = pairs[e.key];
      var k = e.k - (n - 1) / 2;
      e.bend = n > 1 ? k * 28 : 0;
      if (e.s.id > e.t.id) e.bend = -e.bend;
    });
    this.nodes.forEach(function (n) { n.r = 7 + Math.min(7, Math.sqrt(n.deg) * 1.5); });
    this.focus = null; // index into data.paths when one path is selected
    this.scale = 1; this.tx = 0; this.ty = 0;
    this.alpha = 1;
    this.hover = null;
    this.build();
    this.layout(Math.min(400, 40 + 4 * this.nodes.length), 600);
    this.fit();
    this.draw();
    root.setAttribute("data-first-draw-ms", String(Date.now() - started));
    this.report();
    this.animate();
  }

  View.prototype.build = function () {
    var d = this.data, self = this;
    var bar = el("div", "kgv-bar");
    if (d.title) bar.appendChild(el("span", "kgv-title", d.title));
    var legend = el("span", "kgv-legend");
    (d.legend || []).forEach(function (item) {
      var chip = el("span", "kgv-chip");
      var dot = el("span", "kgv-dot");
      dot.style.background = item.color;
      chip.appendChild(dot);
      chip.appendChild(document.createTextNode(item.label));
      chip.setAttribute("data-label", item.label);
      legend.appendChild(chip);
    });
    bar.appendChild(legend);
    var fitBtn = el("button", "kgv-btn", "fit");
    fitBtn.type = "button";
    fitBtn.onclick = function () { self.fit(); self.draw(); };
    bar.appendChild(fitBtn);
    this.root.appendChild(bar);
    var stage = el("div", "kgv-stage");
    stage.style.height = (d.height || 480) + "px";
    this.canvas = el("canvas", "kgv-canvas");
    this.canvas.setAttribute("role", "img");
    this.canvas.setAttribute("aria-label",
      "graph of " + this.nodes.length + " nodes and " + this.edges.length + " edges");
    stage.appendChild(this.canvas);
    this.tip = el("div", "kgv-tip");
    this.tip.style.display = "none";
    stage.appendChild(this.tip);
    this.root.appendChild(stage);
    this.stage = stage;
    if (d.paths && d.paths.length) {
      var list = el("ol", "kgv-paths");
      d.paths.forEach(function (p, i) {
        var li = el("li", p.highlight ? "kgv-path kgv-on" : "kgv-path", p.title);
        li.setAttribute("data-path", String(i));
        li.onclick = function () { self.select(self.focus === i ? null : i); };
        list.appendChild(li);
      });
      this.pathList = list;
      this.root.appendChild(list);
    }
    this.nodeList = el("ul", "kgv-nodes");
    this.nodeList.hidden = true;
    this.root.appendChild(this.nodeList);
    this.bind();
  };

  View.prototype.select = function (i) {
    this.focus = i;
    if (this.pathList) {
      var items = this.pathList.children;
      for (var k = 0; k < items.length; k++) {
        var on = i === null ? this.data.paths[k].highlight : k === i;
        items[k].className = on ? "kgv-path kgv-on" : "kgv-path";
      }
    }
    this.draw();
  };

  // Which nodes/edges are highlighted now: the selected path, else every path marked `on_path`.
  View.prototype.lit = function () {
    if (this.focus === null || !this.data.paths) return null;
    var p = this.data.paths[this.focus], set = Object.create(null);
    p.nodes.forEach(function (id) { set["n" + id] = true; });
    p.edges.forEach(function (id) { set["e" + id] = true; });
    return set;
  };

  View.prototype.layout = function (ticks, budgetMs) {
    var t0 = Date.now();
    for (var i = 0; i < ticks && this.alpha > 0.01; i++) {
      this.tick();
      if (Date.now() - t0 > budgetMs) break;
    }
  };

  View.prototype.tick = function () {
    var ns = this.nodes, n = ns.length, a = this.alpha, i, j;
    var rep = 900, len = 70, spring = 0.06, gravity = 0.012;
    for (i = 0; i < n; i++) {
      var p = ns[i];
      for (j = i + 1; j < n; j++) {
        var q = ns[j];
        var dx = p.x - q.x, dy = p.y - q.y;
        var d2 = dx * dx + dy * dy;
        if (d2 < 0.01) { dx = (i - j) * 0.1 + 0.1; dy = 0.1; d2 = dx * dx + dy * dy; }
        if (d2 > 250000) continue; // far apart: negligible, and it keeps big graphs fast
        var f = rep * a / d2;
        p.vx += dx * f; p.vy += dy * f; q.vx -= dx * f; q.vy -= dy * f;
      }
    }
    this.edges.forEach(function (e) {
      var dx = e.t.x - e.s.x, dy = e.t.y - e.s.y;
      var d = Math.sqrt(dx * dx + dy * dy) || 1;
      var f = (d - len) * spring * a / d;
      e.s.vx += dx * f; e.s.vy += dy * f; e.t.vx -= dx * f; e.t.vy -= dy * f;
    });
    for (i = 0; i < n; i++) {
      var m = ns[i];
      m.vx -= m.x * gravity * a; m.vy -= m.y * gravity * a;
      if (m.fixed) { m.vx = 0; m.vy = 0; continue; }
      m.vx *= 0.6; m.vy *= 0.6;
      var v = Math.sqrt(m.vx * m.vx + m.vy * m.vy);
      if (v > 40) { m.vx *= 40 / v; m.vy *= 40 / v; }
      m.x += m.vx; m.y += m.vy;
    }
    this.alpha *= 0.985;
  };

  View.prototype.animate = function () {
    var self = this;
    if (this.running || typeof requestAnimationFrame === "undefined") return;
    this.running = true;
    function step() {
      if (self.alpha <= 0.01) { self.running = false; self.report(); return; }
      self.tick(); self.tick();
      if (!self.touched) self.fit(); // keep the settling layout in view until the user takes over
      self.draw();
      requestAnimationFrame(step);
    }
    requestAnimationFrame(step);
  };

  View.prototype.size = function () {
    var w = this.stage.clientWidth || 640, h = this.stage.clientHeight || this.data.height || 480;
    var ratio = window.devicePixelRatio || 1;
    if (this.canvas.width !== Math.round(w * ratio) || this.canvas.height !== Math.round(h * ratio)) {
      this.canvas.width = Math.round(w * ratio);
      this.canvas.height = Math.round(h * ratio);
      this.canvas.style.width = w + "px";
      this.canvas.style.height = h + "px";
    }
    return { w: w, h: h, ratio: ratio };
  };

  View.prototype.fit = function () {
    var sz = this.size();
    if (!this.nodes.length) return;
    var x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    this.nodes.forEach(function (n) {
      x0 = Math.min(x0, n.x - n.r); y0 = Math.min(y0, n.y - n.r);
      x1 = Math.max(x1, n.x + n.r); y1 = Math.max(y1, n.y + n.r);
    });
    var pad = 40;
    var s = Math.min((sz.w - 2 * pad) / Math.max(1, x1 - x0), (sz.h - 2 * pad) / Math.max(1, y1 - y0));
    this.scale = Math.max(0.05, Math.min(2.5, s));
    this.tx = sz.w / 2 - this.scale * (x0 + x1) / 2;
    this.ty = sz.h / 2 - this.scale * (y0 + y1) / 2;
  };

  View.prototype.toWorld = function (sx, sy) {
    return { x: (sx - this.tx) / this.scale, y: (sy - this.ty) / this.scale };
  };

  function control(e) {
    // The control point of an edge's quadratic curve (the midpoint when it is straight).
    var mx = (e.s.x + e.t.x) / 2, my = (e.s.y + e.t.y) / 2;
    if (!e.bend) return { x: mx, y: my };
    var dx = e.t.x - e.s.x, dy = e.t.y - e.s.y, d = Math.sqrt(dx * dx + dy * dy) || 1;
    return { x: mx - dy / d * e.bend, y: my + dx / d * e.bend };
  }

  View.prototype.draw = function () {
    var sz = this.size(), ctx = this.canvas.getContext("2d");
    if (!ctx) return;
    var lit = this.lit(), self = this, s = this.scale;
    var anyPath = lit !== null || this.edges.some(function (e) { return e.d.on_path; });
    ctx.setTransform(sz.ratio, 0, 0, sz.ratio, 0, 0);
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, sz.w, sz.h);
    ctx.setTransform(sz.ratio * s, 0, 0, sz.ratio * s, sz.ratio * this.tx, sz.ratio * this.ty);
    var labels = s > 0.45 && this.edges.length <= 400;
    function onPathE(e) { return lit ? !!lit["e" + e.d.id] : !!e.d.on_path; }
    function onPathN(n) { return lit ? !!lit["n" + n.id] : !!n.d.on_path; }
    // Highlighted edges last, so they are drawn on top.
    var order = this.edges.slice().sort(function (a, b) { return onPathE(a) - onPathE(b); });
    order.forEach(function (e) {
      var hot = onPathE(e);
      ctx.globalAlpha = anyPath && !hot ? 0.35 : 1;
      ctx.strokeStyle = hot ? PATH_COLOR : EDGE_COLOR;
      ctx.fillStyle = ctx.strokeStyle;
      ctx.lineWidth = (hot ? 3.5 : 1.3) / Math.max(0.6, s);
      if (e.s === e.t) {
        ctx.beginPath();
        ctx.arc(e.s.x + e.s.r, e.s.y - e.s.r, e.s.r, 0, 2 * Math.PI);
        ctx.stroke();
        return;
      }
      var c = control(e);
      ctx.beginPath();
      ctx.moveTo(e.s.x, e.s.y);
      ctx.quadraticCurveTo(c.x, c.y, e.t.x, e.t.y);
      ctx.stroke();
      // Arrow head where the curve meets the target's circle.
      var dx = e.t.x - c.x, dy = e.t.y - c.y, d = Math.sqrt(dx * dx + dy * dy) || 1;
      var ux = dx / d, uy = dy / d, tipx = e.t.x - ux * (e.t.r + 1), tipy = e.t.y - uy * (e.t.r + 1);
      var size = (hot ? 11 : 8) / Math.max(0.6, s);
      ctx.beginPath();
      ctx.moveTo(tipx, tipy);
      ctx.lineTo(tipx - ux * size - uy * size * 0.5, tipy - uy * size + ux * size * 0.5);
      ctx.lineTo(tipx - ux * size + uy * size * 0.5, tipy - uy * size - ux * size * 0.5);
      ctx.closePath();
      ctx.fill();
      if (labels) {
        var lx = (e.s.x + 2 * c.x + e.t.x) / 4, ly = (e.s.y + 2 * c.y + e.t.y) / 4;
        ctx.font = (hot ? "bold " : "") + 10 / Math.max(0.7, s) + "px sans-serif";
        ctx.textAlign = "center";
        ctx.fillStyle = hot ? PATH_COLOR : "#5f6368";
        ctx.fillText(e.d.type, lx, ly - 3 / s);
      }
    });
    this.nodes.forEach(function (n) {
      var hot = onPathN(n);
      ctx.globalAlpha = anyPath && !hot && !n.d.answer ? 0.55 : 1;
      ctx.beginPath();
      ctx.arc(n.x, n.y, Math.max(n.r, 4 / s), 0, 2 * Math.PI); // never smaller than 4 px on screen
      ctx.fillStyle = n.d.color;
      ctx.fill();
      ctx.lineWidth = (n === self.hover ? 3 : 1.5) / Math.max(0.6, s);
      ctx.strokeStyle = hot ? PATH_COLOR : "#ffffff";
      ctx.stroke();
      if (n.d.answer || n.d.topic) {
        ctx.beginPath();
        ctx.arc(n.x, n.y, n.r + 4 / Math.max(0.6, s), 0, 2 * Math.PI);
        ctx.setLineDash(n.d.topic && !n.d.answer ? [3 / s, 3 / s] : []);
        ctx.lineWidth = 2.5 / Math.max(0.6, s);
        ctx.strokeStyle = ANSWER_RING;
        ctx.stroke();
        ctx.setLineDash([]);
      }
    });
    ctx.globalAlpha = 1;
    if (s > 0.35 || this.nodes.length <= 60) {
      ctx.fillStyle = "#202124";
      ctx.textAlign = "center";
      this.nodes.forEach(function (n) {
        ctx.font = (n.d.answer || n.d.topic ? "bold " : "") + 11 / Math.max(0.7, s) + "px sans-serif";
        ctx.fillText(n.d.label, n.x, n.y + n.r + 13 / Math.max(0.7, s));
      });
    }
  };

  // After a layout: record what was drawn (data-* on the root, one hidden <li> per node).
  View.prototype.report = function () {
    var self = this;
    while (this.nodeList.firstChild) this.nodeList.removeChild(this.nodeList.firstChild);
    this.nodes.forEach(function (n) {
      var li = el("li", "kgv-node", n.d.label);
      li.setAttribute("data-id", n.id);
      li.setAttribute("data-x", (n.x * self.scale + self.tx).toFixed(1));
      li.setAttribute("data-y", (n.y * self.scale + self.ty).toFixed(1));
      li.setAttribute("data-color", n.d.color);
      if (n.d.on_path) li.setAttribute("data-on-path", "true");
      if (n.d.answer) li.setAttribute("data-answer", "true");
      self.nodeList.appendChild(li);
    });
    this.root.setAttribute("data-drawn-nodes", String(this.nodes.length));
    this.root.setAttribute("data-drawn-edges", String(this.edges.length));
    this.root.setAttribute("data-highlighted-edges",
      String(this.edges.filter(function (e) { return e.d.on_path; }).length));
    this.root.setAttribute("data-status", "drawn");
    fitFrame();
  };

  // Inside a notebook the page sits in an <iframe srcdoc> (same origin): make the frame as tall as the
  // content, so the legend and the path list are not cut off.
  function fitFrame() {
    try {
      var frame = window.frameElement;
      if (frame) frame.style.height = Math.ceil(document.body.getBoundingClientRect().height) + 12 + "px";
    } catch (err) {
      /* a cross-origin or sandboxed frame keeps the height it was given */
    }
  }

  View.prototype.pick = function (sx, sy) {
    var w = this.toWorld(sx, sy), best = null, bestD = Infinity;
    for (var i = this.nodes.length - 1; i >= 0; i--) {
      var n = this.nodes[i], dx = n.x - w.x, dy = n.y - w.y, d = Math.sqrt(dx * dx + dy * dy);
      if (d <= Math.max(n.r, 4 / this.scale) + 3 / this.scale && d < bestD) { best = n; bestD = d; }
    }
    if (best) return { node: best };
    var tol = 5 / this.scale, edge = null;
    this.edges.forEach(function (e) {
      var c = control(e);
      for (var k = 0; k <= 16; k++) {
        var t = k / 16, u = 1 - t;
        var x = u * u * e.s.x + 2 * u * t * c.x + t * t * e.t.x;
        var y = u * u * e.s.y + 2 * u * t * c.y + t * t * e.t.y;
        var dd = Math.sqrt((x - w.x) * (x - w.x) + (y - w.y) * (y - w.y));
        if (dd < tol) { tol = dd; edge = e; }
      }
    });
    return edge ? { edge: edge } : null;
  };

  View.prototype.showTip = function (hit, sx, sy) {
    var tip = this.tip;
    while (tip.firstChild) tip.removeChild(tip.firstChild);
    if (!hit) { tip.style.display = "none"; return; }
    var head, rows = [];
    if (hit.node) {
      var d = hit.node.d;
      head = d.id + (d.labels && d.labels.length ? "  :" + d.labels.join(":") : "");
      if (d.answer) rows.push(["answer", "yes"]);
      Object.keys(d.props || {}).forEach(function (k) { rows.push([k, fmt(d.props[k])]); });
    } else {
      var e = hit.edge.d;
      head = e.source + " -[" + e.type + "]-> " + e.target;
      rows.push(["id", e.id]);
      Object.keys(e.props || {}).forEach(function (k) { rows.push([k, fmt(e.props[k])]); });
    }
    tip.appendChild(el("div", "kgv-tip-head", head));
    rows.slice(0, 30).forEach(function (r) {
      var row = el("div", "kgv-tip-row");
      row.appendChild(el("b", null, r[0] + ": "));
      row.appendChild(document.createTextNode(r[1].length > 300 ? r[1].slice(0, 300) + "..." : r[1]));
      tip.appendChild(row);
    });
    tip.style.display = "block";
    var w = this.stage.clientWidth;
    tip.style.left = Math.min(sx + 14, Math.max(0, w - 280)) + "px";
    tip.style.top = sy + 14 + "px";
  };

  View.prototype.bind = function () {
    var self = this, c = this.canvas, drag = null;
    function pos(ev) {
      var r = c.getBoundingClientRect();
      return { x: ev.clientX - r.left, y: ev.clientY - r.top };
    }
    c.addEventListener("wheel", function (ev) {
      ev.preventDefault();
      self.touched = true;
      var p = pos(ev), w = self.toWorld(p.x, p.y);
      var k = Math.exp(-ev.deltaY * 0.0015);
      self.scale = Math.max(0.05, Math.min(12, self.scale * k));
      self.tx = p.x - w.x * self.scale;
      self.ty = p.y - w.y * self.scale;
      self.draw();
    }, { passive: false });
    c.addEventListener("pointerdown", function (ev) {
      var p = pos(ev), hit = self.pick(p.x, p.y);
      self.touched = true;
      try {
        c.setPointerCapture(ev.pointerId); // keep the drag when the pointer leaves the canvas
      } catch (err) {
        /* synthetic or already released pointers cannot be captured: dragging still works inside */
      }
      if (hit && hit.node) {
        drag = { node: hit.node };
        hit.node.fixed = true;
      } else {
        drag = { pan: true, x: p.x, y: p.y, tx: self.tx, ty: self.ty };
      }
    });
    c.addEventListener("pointermove", function (ev) {
      var p = pos(ev);
      if (drag && drag.node) {
        var w = self.toWorld(p.x, p.y);
        drag.node.x = w.x; drag.node.y = w.y;
        self.alpha = Math.max(self.alpha, 0.15);
        self.animate();
        self.draw();
        return;
      }
      if (drag && drag.pan) {
        self.tx = drag.tx + p.x - drag.x; self.ty = drag.ty + p.y - drag.y;
        self.draw();
        return;
      }
      var hit = self.pick(p.x, p.y), node = hit && hit.node ? hit.node : null;
      c.style.cursor = hit ? "pointer" : "grab";
      if (node !== self.hover) { self.hover = node; self.draw(); }
      self.showTip(hit, p.x, p.y);
    });
    function up() {
      if (drag && drag.node) drag.node.fixed = false;
      drag = null;
    }
    c.addEventListener("pointerup", up);
    c.addEventListener("pointercancel", up);
    c.addEventListener("pointerleave", function () { self.showTip(null, 0, 0); });
    c.addEventListener("dblclick", function () { self.fit(); self.draw(); });
    if (typeof ResizeObserver !== "undefined") {
      new ResizeObserver(function () { self.draw(); }).observe(this.stage);
    }
  };

  function boot() {
    var roots = document.querySelectorAll("[data-kgview]:not([data-status])");
    for (var i = 0; i < roots.length; i++) {
      var root = roots[i];
      var src = document.getElementById(root.getAttribute("data-kgview"));
      try {
        root.kgview = new View(root, JSON.parse(src.textContent)); // reachable for scripts and tests
      } catch (err) {
        root.setAttribute("data-status", "error");
        root.appendChild(el("pre", "kgv-error", "kgview: " + (err && err.stack ? err.stack : err)));
      }
    }
  }

  window.kgview = { View: View, boot: boot };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", boot);
  else boot();
})();

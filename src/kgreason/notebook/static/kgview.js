/*
 * kgview.js - the interactive graph view of kgreason (part of kgreason, Apache-2.0; see LICENSE here).
 *
 * Self-contained: no network, no other library. A canvas draws the nodes (coloured by label) and the
 * directed edges where the data puts them: the layout is computed in Python (kgreason/notebook/layout.py),
 * with every node's box (its disc and its name to the right) clear of the others. The drawing is stretched,
 * each axis on its own, to fill the frame's width and height; stretching by one or more only moves boxes
 * apart, and when the frame is too small for that a name that would overlap another is left out. Node
 * discs and names keep their size in pixels at every zoom. Wheel zooms around the pointer, dragging the
 * background pans, dragging a node moves it, hovering shows a node's or an edge's properties, a click on
 * a listed path highlights that path alone. After the first drawing the root element gets
 * data-status="drawn" and a hidden list of the drawn nodes (centre, name box), so a headless browser can
 * check the result.
 *
 * Data: {nodes: [{id, label, labels, color, props, answer, topic, on_path, x, y, r, box}],
 *        edges: [{id, source, target, type, props, on_path}], paths: [{title, nodes, edges, highlight}],
 *        legend: [{label, color}], title, height}
 * (x, y: centre in layout pixels; r: disc radius; box: [left, right, up, down] pixels around the centre)
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

  var FONT = 11, LABEL_GAP = 3; // as in layout.py

  function View(root, data) {
    var started = Date.now();
    this.root = root;
    this.data = data;
    this.nodes = data.nodes.map(function (n, i) {
      // Positions come from the page's data (laid out in Python, layout.py); a spiral if they are missing.
      var has = typeof n.x === "number" && typeof n.y === "number";
      var r = 30 * Math.sqrt(i + 0.5), a = i * 2.399963229728653;
      var box = n.box || [10, 10, 10, 10];
      return {
        d: n, id: n.id, x: has ? n.x : r * Math.cos(a), y: has ? n.y : r * Math.sin(a),
        r: n.r || 8, box: box, deg: 0
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
      e.bend = n > 1 ? k * 22 : 0;
      if (e.s.id > e.t.id) e.bend = -e.bend;
    });
    // Labels in this order get drawn first when there is not room for all: answers, topics, paths, hubs.
    this.labelOrder = this.nodes.slice().sort(function (a, b) {
      function rank(n) { return (n.d.answer ? 4 : 0) + (n.d.topic ? 2 : 0) + (n.d.on_path ? 1 : 0); }
      return rank(b) - rank(a) || b.deg - a.deg;
    });
    this.focus = null; // index into data.paths when one path is selected
    this.sx = 1; this.sy = 1; this.tx = 0; this.ty = 0; // screen = layout * s + t, per axis
    this.hover = null;
    this.build();
    this.fit();
    this.draw();
    root.setAttribute("data-first-draw-ms", String(Date.now() - started));
    this.report();
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
    fitBtn.onclick = function () { self.touched = false; self.fit(); self.draw(); };
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

  // The largest stretch s (>= 1 when the frame is big enough) of centres `pos` whose boxes (overhangs
  // `lo` before and `hi` after each centre, in pixels) fit in `avail` pixels; and the offset centring them.
  function fitAxis(pos, lo, hi, avail) {
    function extent(s) {
      var a = Infinity, b = -Infinity;
      for (var i = 0; i < pos.length; i++) {
        a = Math.min(a, s * pos[i] - lo[i]); b = Math.max(b, s * pos[i] + hi[i]);
      }
      return { a: a, b: b };
    }
    var spread = Math.max.apply(null, pos) - Math.min.apply(null, pos);
    var s = 1;
    if (spread > 0) {
      var ok = function (v) { var e = extent(v); return e.b - e.a <= avail; };
      var low = 0, high = 1;
      if (ok(1)) { while (ok(high * 2) && high < 4096) high *= 2; low = high; high = high * 2; }
      else { low = 1e-3; }
      for (var k = 0; k < 40; k++) { var mid = (low + high) / 2; if (ok(mid)) low = mid; else high = mid; }
      s = low;
    }
    var e = extent(s);
    return { s: s, t: (avail - (e.b - e.a)) / 2 - e.a };
  }

  View.prototype.fit = function () {
    var sz = this.size(), pad = 10, ns = this.nodes;
    if (!ns.length) return;
    var fx = fitAxis(ns.map(function (n) { return n.x; }), ns.map(function (n) { return n.box[0]; }),
      ns.map(function (n) { return n.box[1]; }), sz.w - 2 * pad);
    var fy = fitAxis(ns.map(function (n) { return n.y; }), ns.map(function (n) { return n.box[2]; }),
      ns.map(function (n) { return n.box[3]; }), sz.h - 2 * pad);
    this.sx = fx.s; this.tx = fx.t + pad;
    this.sy = fy.s; this.ty = fy.t + pad;
  };

  View.prototype.toWorld = function (px, py) {
    return { x: (px - this.tx) / this.sx, y: (py - this.ty) / this.sy };
  };

  View.prototype.screen = function (n) {
    return { x: n.x * this.sx + this.tx, y: n.y * this.sy + this.ty };
  };

  function control(a, b, bend) {
    // The control point of an edge's quadratic curve (the midpoint when it is straight), on screen.
    var mx = (a.x + b.x) / 2, my = (a.y + b.y) / 2;
    if (!bend) return { x: mx, y: my };
    var dx = b.x - a.x, dy = b.y - a.y, d = Math.sqrt(dx * dx + dy * dy) || 1;
    return { x: mx - dy / d * bend, y: my + dx / d * bend };
  }

  // Boxes already taken on screen, bucketed in a grid so a check looks only at its neighbourhood.
  function Taken() { this.cells = Object.create(null); }
  Taken.prototype.keys = function (b) {
    var out = [], C = 64;
    for (var gx = Math.floor(b[0] / C); gx <= Math.floor(b[2] / C); gx++)
      for (var gy = Math.floor(b[1] / C); gy <= Math.floor(b[3] / C); gy++) out.push(gx + "," + gy);
    return out;
  };
  Taken.prototype.free = function (b) {
    var ks = this.keys(b);
    for (var i = 0; i < ks.length; i++) {
      var list = this.cells[ks[i]] || [];
      for (var j = 0; j < list.length; j++) {
        var o = list[j];
        if (b[0] < o[2] && o[0] < b[2] && b[1] < o[3] && o[1] < b[3]) return false;
      }
    }
    return true;
  };
  Taken.prototype.add = function (b) {
    var ks = this.keys(b), cells = this.cells;
    ks.forEach(function (k) { (cells[k] = cells[k] || []).push(b); });
  };

  function labelFont(n) { return (n.d.answer || n.d.topic ? "bold " : "") + FONT + "px sans-serif"; }

  View.prototype.draw = function () {
    var sz = this.size(), ctx = this.canvas.getContext("2d");
    if (!ctx) return;
    var lit = this.lit(), self = this;
    var anyPath = lit !== null || this.edges.some(function (e) { return e.d.on_path; });
    ctx.setTransform(sz.ratio, 0, 0, sz.ratio, 0, 0);
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, sz.w, sz.h);
    var at = Object.create(null);
    this.nodes.forEach(function (n) { at[n.id] = self.screen(n); });
    function onPathE(e) { return lit ? !!lit["e" + e.d.id] : !!e.d.on_path; }
    function onPathN(n) { return lit ? !!lit["n" + n.id] : !!n.d.on_path; }
    // Highlighted edges last, so they are drawn on top.
    var order = this.edges.slice().sort(function (a, b) { return onPathE(a) - onPathE(b); });
    var edgeLabels = [];
    order.forEach(function (e) {
      var hot = onPathE(e), a = at[e.s.id], b = at[e.t.id];
      ctx.globalAlpha = anyPath && !hot ? 0.35 : 1;
      ctx.strokeStyle = hot ? PATH_COLOR : EDGE_COLOR;
      ctx.fillStyle = ctx.strokeStyle;
      ctx.lineWidth = hot ? 3.5 : 1.3;
      if (e.s === e.t) {
        ctx.beginPath();
        ctx.arc(a.x + e.s.r, a.y - e.s.r, e.s.r, 0, 2 * Math.PI);
        ctx.stroke();
        return;
      }
      var c = control(a, b, e.bend);
      ctx.beginPath();
      ctx.moveTo(a.x, a.y);
      ctx.quadraticCurveTo(c.x, c.y, b.x, b.y);
      ctx.stroke();
      // Arrow head where the curve meets the target's circle.
      var dx = b.x - c.x, dy = b.y - c.y, d = Math.sqrt(dx * dx + dy * dy) || 1;
      var ux = dx / d, uy = dy / d, tipx = b.x - ux * (e.t.r + 1), tipy = b.y - uy * (e.t.r + 1);
      var size = hot ? 11 : 8;
      ctx.beginPath();
      ctx.moveTo(tipx, tipy);
      ctx.lineTo(tipx - ux * size - uy * size * 0.5, tipy - uy * size + ux * size * 0.5);
      ctx.lineTo(tipx - ux * size + uy * size * 0.5, tipy - uy * size - ux * size * 0.5);
      ctx.closePath();
      ctx.fill();
      edgeLabels.push({ e: e, hot: hot, x: (a.x + 2 * c.x + b.x) / 4, y: (a.y + 2 * c.y + b.y) / 4 });
    });
    this.nodes.forEach(function (n) {
      var hot = onPathN(n), p = at[n.id];
      ctx.globalAlpha = anyPath && !hot && !n.d.answer ? 0.55 : 1;
      ctx.beginPath();
      ctx.arc(p.x, p.y, n.r, 0, 2 * Math.PI);
      ctx.fillStyle = n.d.color;
      ctx.fill();
      ctx.lineWidth = n === self.hover ? 3 : 1.5;
      ctx.strokeStyle = hot ? PATH_COLOR : "#ffffff";
      ctx.stroke();
      if (n.d.answer || n.d.topic) {
        ctx.beginPath();
        ctx.arc(p.x, p.y, n.r + 4, 0, 2 * Math.PI);
        ctx.setLineDash(n.d.topic && !n.d.answer ? [3, 3] : []);
        ctx.lineWidth = 2.5;
        ctx.strokeStyle = ANSWER_RING;
        ctx.stroke();
        ctx.setLineDash([]);
      }
    });
    ctx.globalAlpha = 1;
    // Names right of their node. The layout keeps them apart at this zoom or closer; zoomed out further,
    // a name that would overlap one already written is left out (hover still names the node).
    var taken = new Taken();
    ctx.textBaseline = "middle";
    ctx.textAlign = "left";
    this.labelOrder.forEach(function (n) {
      var p = at[n.id];
      ctx.font = labelFont(n);
      var w = ctx.measureText(n.d.label).width, x0 = p.x + n.r + LABEL_GAP;
      var box = [x0, p.y - FONT * 0.65, x0 + w, p.y + FONT * 0.65];
      n.labelBox = null;
      if (!n.d.label || !taken.free(box)) return;
      taken.add(box);
      n.labelBox = box;
    });
    ctx.fillStyle = "#202124";
    ctx.strokeStyle = "rgba(255, 255, 255, 0.85)"; // a halo keeps a name readable over the edges
    ctx.lineWidth = 3;
    ctx.lineJoin = "round";
    this.nodes.forEach(function (n) {
      if (!n.labelBox) return;
      ctx.font = labelFont(n);
      ctx.strokeText(n.d.label, n.labelBox[0], at[n.id].y);
      ctx.fillText(n.d.label, n.labelBox[0], at[n.id].y);
    });
    // Relationship types on their edges, where they fit between the nodes and the names.
    if (this.edges.length <= 400) {
      this.nodes.forEach(function (n) {
        var p = at[n.id];
        taken.add([p.x - n.r, p.y - n.r, p.x + n.r, p.y + n.r]);
      });
      ctx.textAlign = "center";
      edgeLabels.reverse().forEach(function (l) { // highlighted ones first
        ctx.font = (l.hot ? "bold " : "") + "10px sans-serif";
        var w = ctx.measureText(l.e.d.type).width;
        var box = [l.x - w / 2 - 1, l.y - 7, l.x + w / 2 + 1, l.y + 7];
        if (!taken.free(box)) return;
        taken.add(box);
        ctx.fillStyle = l.hot ? PATH_COLOR : "#5f6368";
        ctx.fillText(l.e.d.type, l.x, l.y);
      });
    }
    ctx.textBaseline = "alphabetic";
  };

  // After the first drawing: record what was drawn (data-* on the root, one hidden <li> per node, with
  // its centre and the box its name was written in, in canvas pixels).
  View.prototype.report = function () {
    var self = this;
    while (this.nodeList.firstChild) this.nodeList.removeChild(this.nodeList.firstChild);
    var shown = 0;
    this.nodes.forEach(function (n) {
      var li = el("li", "kgv-node", n.d.label), p = self.screen(n);
      li.setAttribute("data-id", n.id);
      li.setAttribute("data-x", p.x.toFixed(1));
      li.setAttribute("data-y", p.y.toFixed(1));
      li.setAttribute("data-r", String(n.r));
      if (n.labelBox) {
        shown++;
        li.setAttribute("data-label-box", n.labelBox.map(function (v) { return v.toFixed(2); }).join(","));
      }
      li.setAttribute("data-color", n.d.color);
      if (n.d.on_path) li.setAttribute("data-on-path", "true");
      if (n.d.answer) li.setAttribute("data-answer", "true");
      self.nodeList.appendChild(li);
    });
    this.root.setAttribute("data-drawn-nodes", String(this.nodes.length));
    this.root.setAttribute("data-drawn-labels", String(shown));
    var sz = this.size();
    this.root.setAttribute("data-stage", sz.w + "x" + sz.h);
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

  View.prototype.pick = function (px, py) {
    var best = null, bestD = Infinity, self = this;
    for (var i = this.nodes.length - 1; i >= 0; i--) {
      var n = this.nodes[i], p = this.screen(n), dx = p.x - px, dy = p.y - py;
      var d = Math.sqrt(dx * dx + dy * dy);
      if (d <= n.r + 3 && d < bestD) { best = n; bestD = d; }
    }
    if (best) return { node: best };
    var tol = 5, edge = null;
    this.edges.forEach(function (e) {
      var a = self.screen(e.s), b = self.screen(e.t), c = control(a, b, e.bend);
      for (var k = 0; k <= 16; k++) {
        var t = k / 16, u = 1 - t;
        var x = u * u * a.x + 2 * u * t * c.x + t * t * b.x;
        var y = u * u * a.y + 2 * u * t * c.y + t * t * b.y;
        var dd = Math.sqrt((x - px) * (x - px) + (y - py) * (y - py));
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
      k = Math.max(0.02 / Math.min(self.sx, self.sy), Math.min(k, 40 / Math.max(self.sx, self.sy)));
      self.sx *= k; self.sy *= k;
      self.tx = p.x - w.x * self.sx;
      self.ty = p.y - w.y * self.sy;
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
      } else {
        drag = { pan: true, x: p.x, y: p.y, tx: self.tx, ty: self.ty };
      }
    });
    c.addEventListener("pointermove", function (ev) {
      var p = pos(ev);
      if (drag && drag.node) {
        var w = self.toWorld(p.x, p.y);
        drag.node.x = w.x; drag.node.y = w.y;
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
    function up() { drag = null; }
    c.addEventListener("pointerup", up);
    c.addEventListener("pointercancel", up);
    c.addEventListener("pointerleave", function () { self.showTip(null, 0, 0); });
    c.addEventListener("dblclick", function () { self.touched = false; self.fit(); self.draw(); });
    if (typeof ResizeObserver !== "undefined") {
      // A frame that changes width (a notebook's window resized) is filled again, until the user zooms.
      new ResizeObserver(function () { if (!self.touched) self.fit(); self.draw(); }).observe(this.stage);
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

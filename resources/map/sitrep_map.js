/* Sitrep map page script (our own code).
 *
 * Rules: every text coming from the project is put in the page with textContent or
 * as a DOM node, never as HTML. Data comes either embedded (an exported map) or per
 * viewport from the app over QWebChannel ("bridge" mode).
 */
(function () {
  "use strict";

  var S = {
    map: null, cfg: null, bridge: null, generation: 0, rendered: 0,
    points: null, cells: null, selected: null, picking: false, pickMarker: null,
    status: null, pointCount: 0, cellTotal: 0, lastMode: "", markersById: {},
    inFlight: false, dirty: false, labels: null, labelGeneration: 0, labelsShown: [],
    labelsInFlight: false, labelsDirty: false, selectedId: null, selectedFeature: null,
    reveal: false, legendOpen: false, legendBox: null, tileNotice: null, base: null
  };

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function popupContent(p) {
    var box = el("div", "sitrep-popup");
    box.appendChild(el("div", "ref", p.ref));
    box.appendChild(el("div", "title", p.title || "(untitled)"));
    var table = el("table");
    var rows = [
      ["Date", p.date], ["Place", p.place],
      ["Type", p.subtype ? p.type + " — " + p.subtype : p.type],
      ["Harm", p.harm], ["Verification", p.verification], ["Sources", p.sources]
    ];
    rows.forEach(function (r) {
      var tr = el("tr");
      tr.appendChild(el("th", null, r[0]));
      tr.appendChild(el("td", null, r[1]));
      table.appendChild(tr);
    });
    box.appendChild(table);
    return box;
  }

  function pointMarker(f) {
    var p = f.properties, c = f.geometry.coordinates;
    var m = L.circleMarker([c[1], c[0]], {
      radius: 7, color: "#ffffff", weight: 1.5, fillColor: p.colour, fillOpacity: 0.9
    });
    m.sitrepId = p.id;
    m.sitrepType = p.type;
    m.sitrepColour = p.colour;
    m.on("add", function () {
      var node = m.getElement();
      if (node) node.setAttribute("data-incident", p.id);
      if (p.id === S.selectedId) markSelected(m);
    });
    m.bindPopup(function () { return popupContent(p); });
    m.on("click", function () {
      if (S.picking) return;
      if (S.bridge) S.bridge.incidentClicked(p.id);
    });
    S.markersById[p.id] = m;
    return m;
  }

  function cellMarker(cell) {
    var size = cell.count < 100 ? 30 : cell.count < 1000 ? 38 : cell.count < 10000 ? 46 : 54;
    var label = cell.count >= 10000 ? Math.round(cell.count / 1000) + "k" : String(cell.count);
    var icon = L.divIcon({
      html: "", className: "", iconSize: L.point(size, size)
    });
    var m = L.marker([cell.lat, cell.lon], { icon: icon, keyboard: false });
    m.on("add", function () {
      var node = m.getElement();
      if (!node) return;
      node.appendChild(typeRing(cell.types, size, label, "sitrep-cell"));
    });
    var tip = el("div");
    tip.appendChild(el("strong", null, cell.count + " incidents"));
    cell.types.forEach(function (t) { tip.appendChild(el("div", null, t.count + " " + t.type)); });
    m.bindTooltip(tip, { direction: "top" });
    m.on("click", function () {
      if (S.picking) return;
      var b = cell.bounds;
      S.map.fitBounds([[b[1], b[0]], [b[3], b[2]]], { animate: false });
    });
    return m;
  }

  /* A count inside a ring whose arcs are the shares of each event type (a pie of the
   * types inside a cluster or grid cell): the colours of the legend, not a size code. */
  function typeRing(parts, size, label, cls) {
    var total = 0;
    parts.forEach(function (t) { total += t.count; });
    var stops = [], acc = 0;
    parts.forEach(function (t) {
      var a0 = (acc / total) * 360;
      acc += t.count;
      var a1 = (acc / total) * 360;
      stops.push(t.colour + " " + a0.toFixed(2) + "deg " + a1.toFixed(2) + "deg");
    });
    var ring = el("div", "sitrep-ring " + cls);
    ring.style.width = size + "px";
    ring.style.height = size + "px";
    ring.style.backgroundImage = parts.length > 1
      ? "conic-gradient(" + stops.join(", ") + ")" : "none";
    ring.style.backgroundColor = parts.length ? parts[0].colour : "#777";
    ring.appendChild(el("span", "sitrep-ring-count", label));
    return ring;
  }

  function clusterIcon(cluster) {
    var byType = {}, order = [];
    cluster.getAllChildMarkers().forEach(function (m) {
      var t = m.sitrepType;
      if (!byType[t]) { byType[t] = { type: t, colour: m.sitrepColour, count: 0 }; order.push(byType[t]); }
      byType[t].count += 1;
    });
    order.sort(function (a, b) { return b.count - a.count || (a.type < b.type ? -1 : 1); });
    var n = cluster.getChildCount();
    var size = n < 10 ? 30 : n < 100 ? 36 : 44;
    return L.divIcon({
      html: typeRing(order, size, String(n), "sitrep-cluster"), className: "",
      iconSize: L.point(size, size)
    });
  }

  function setStatus(text) { if (S.status) S.status.textContent = text; }

  function render(data) {
    S.points.clearLayers();
    S.cells.clearLayers();
    S.markersById = {};
    S.pointCount = 0;
    S.cellTotal = 0;
    S.lastMode = data.mode;
    if (data.mode === "grid") {
      data.cells.forEach(function (cell) { S.cells.addLayer(cellMarker(cell)); S.cellTotal += cell.count; });
    } else {
      var layers = data.points.map(pointMarker);
      S.points.addLayers(layers);
      S.pointCount = layers.length;
    }
    showSelected();
    S.lastTotal = data.total;
    if (!S.picking) setStatus(statusText());
  }

  function statusText() {
    var n = S.lastTotal || 0;
    var text = n + (n === 1 ? " incident" : " incidents");
    text += S.cfg.mode === "static" ? " on this map" : " in view";
    if (S.lastMode === "grid") text += " (zoom in for single incidents)";
    if (S.cfg.withoutCoordinates) text += " · " + S.cfg.withoutCoordinates + " without coordinates";
    return text;
  }

  function viewRequest() {
    var b = S.map.getBounds();
    return JSON.stringify({
      west: b.getWest(), south: b.getSouth(), east: b.getEast(), north: b.getNorth(),
      zoom: S.map.getZoom()
    });
  }

  function requestData() {
    if (!S.bridge) return;
    // one question at a time: moves made while Python answers are asked for once, after
    if (S.inFlight) { S.dirty = true; return; }
    S.inFlight = true;
    var gen = ++S.generation;
    S.bridge.viewport(viewRequest(), function (answer) {
      S.inFlight = false;
      if (S.dirty) {  // the view or filter changed meanwhile: this answer is stale
        S.dirty = false;
        requestData();
        return;
      }
      render(JSON.parse(answer));
      S.rendered = gen;
      S.bridge.rendered(gen, S.pointCount + S.cellTotal);
    });
  }

  /* ---------------------------------------------------------------- place names */

  function requestLabels() {
    if (!S.bridge || !S.bridge.labels) return;
    if (S.labelsInFlight) { S.labelsDirty = true; return; }
    S.labelsInFlight = true;
    S.bridge.labels(viewRequest(), function (answer) {
      S.labelsInFlight = false;
      if (S.labelsDirty) { S.labelsDirty = false; requestLabels(); return; }
      renderLabels(JSON.parse(answer));
    });
  }

  /* An exported page carries its area's names with the zooms they show at (no Python
   * to ask): the same choice per view, made here. */
  function staticLabels() {
    var b = S.map.getBounds(), z = S.map.getZoom(), out = [];
    S.cfg.labels.forEach(function (lb) {
      if (lb.minZoom > z || (lb.maxZoom !== undefined && lb.maxZoom < z)) return;
      if (!b.contains([lb.lat, lb.lon])) return;
      if (out.length < LABEL_LIMIT) out.push(lb);
    });
    renderLabels(out);
  }

  var LABEL_LIMIT = 60;
  var LABEL_FONT = {
    capital: "700 13px", city: "600 12.5px", town: "600 12px", village: "400 11px",
    project: "600 11.5px", admin0: "600 12px", admin1: "600 11.5px", admin2: "600 11px",
    admin3: "italic 500 11px", admin4: "italic 400 10.5px"
  };
  var measureCtx = null;

  function textWidth(text, kind) {
    if (!measureCtx) measureCtx = document.createElement("canvas").getContext("2d");
    measureCtx.font = (LABEL_FONT[kind] || "12px") + ' "Segoe UI", "Noto Sans", sans-serif';
    var w = measureCtx.measureText(kind.indexOf("admin") === 0 ? text.toUpperCase() : text).width;
    return kind.indexOf("admin") === 0 ? w + text.length * 1.2 : w;  // letter spacing
  }

  /* The names come most important first; each is drawn only if its box (with a margin)
   * overlaps none drawn before it and lies inside the map, so the page never floods. */
  function renderLabels(list) {
    S.labels.clearLayers();
    S.labelsShown = [];
    var size = S.map.getSize(), boxes = [], pad = 3;
    // the map's own buttons and panels count as taken: no name is drawn under them
    var origin = S.map.getContainer().getBoundingClientRect();
    S.map.getContainer().querySelectorAll(".leaflet-control").forEach(function (c) {
      var r = c.getBoundingClientRect();
      if (r.width && r.height) {
        boxes.push({ x0: r.left - origin.left, y0: r.top - origin.top,
                     x1: r.right - origin.left, y1: r.bottom - origin.top });
      }
    });
    function free(box) {
      if (box.x0 < 0 || box.y0 < 0 || box.x1 > size.x || box.y1 > size.y) return false;
      for (var i = 0; i < boxes.length; i++) {
        var b = boxes[i];
        if (box.x0 < b.x1 + pad && box.x1 + pad > b.x0 && box.y0 < b.y1 + pad && box.y1 + pad > b.y0) return false;
      }
      return true;
    }
    list.forEach(function (lb) {
      var pt = S.map.latLngToContainerPoint([lb.lat, lb.lon]);
      var admin = lb.kind.indexOf("admin") === 0;
      var w = textWidth(lb.name, lb.kind) + 4, h = 15;
      // where the name may go: an area's name at its centre or just below or above it
      // (a town of the same name often sits there); a place's right of its dot, or left
      var candidates = admin
        ? [0, 18, -18, 36].map(function (dy) {
            return { x0: pt.x - w / 2, y0: pt.y - h / 2 + dy, x1: pt.x + w / 2, y1: pt.y + h / 2 + dy, dot: false };
          })
        : [{ x0: pt.x - 4, y0: pt.y - h / 2, x1: pt.x + 8 + w, y1: pt.y + h / 2, dot: "left" },
           { x0: pt.x - 8 - w, y0: pt.y - h / 2, x1: pt.x + 4, y1: pt.y + h / 2, dot: "right" }];
      var box = null;
      for (var c = 0; c < candidates.length && !box; c++) if (free(candidates[c])) box = candidates[c];
      if (!box) return;
      boxes.push(box);
      var node = el("div", "sitrep-label sitrep-label-" + lb.kind);
      if (box.dot === "right") node.style.flexDirection = "row-reverse";
      if (!admin) node.appendChild(el("span", "sitrep-label-dot"));
      node.appendChild(el("span", "sitrep-label-text", lb.name));
      var icon = L.divIcon({
        html: node, className: "sitrep-label-icon",
        iconSize: L.point(box.x1 - box.x0, h),
        iconAnchor: L.point(pt.x - box.x0, h / 2)
      });
      S.labels.addLayer(L.marker([lb.lat, lb.lon], {
        icon: icon, pane: "sitrepLabels", interactive: false, keyboard: false
      }));
      S.labelsShown.push(lb.name);
    });
    S.labelGeneration += 1;
  }

  /* The legend starts folded to one small button in the corner, so it hides no
   * incident; a click (or Enter) opens it, and its own button folds it again. */
  function addLegend(cfg) {
    var legend = L.control({ position: "topright" });
    legend.onAdd = function () {
      var box = el("div", "sitrep-panel sitrep-legend");
      var toggle = el("button", "sitrep-legend-toggle", "Legend");
      toggle.type = "button";
      toggle.title = "Show or hide the colours of the event types";
      box.appendChild(toggle);
      var body = el("div", "sitrep-legend-body");
      body.appendChild(el("h4", null, "Event type"));
      cfg.legend.forEach(function (item) {
        var row = el("div", "sitrep-legend-row");
        var sw = el("span", "sitrep-swatch");
        sw.style.background = item.colour;
        row.appendChild(sw);
        row.appendChild(el("span", null, item.type));
        body.appendChild(row);
      });
      var keyRow = el("div", "sitrep-legend-row sitrep-legend-note");
      keyRow.appendChild(el("span", null, "Circles with a number: several incidents; the ring shows their types."));
      body.appendChild(keyRow);
      box.appendChild(body);
      L.DomEvent.on(toggle, "click", function () { setLegendOpen(!S.legendOpen); });
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      S.legendBox = box;
      setLegendOpen(false);
      return box;
    };
    legend.addTo(S.map);
  }

  function setLegendOpen(open) {
    S.legendOpen = !!open;
    if (!S.legendBox) return;
    if (S.legendOpen) L.DomUtil.addClass(S.legendBox, "open");
    else L.DomUtil.removeClass(S.legendBox, "open");
    var toggle = S.legendBox.querySelector(".sitrep-legend-toggle");
    toggle.textContent = S.legendOpen ? "Hide legend" : "Legend";
    toggle.setAttribute("aria-expanded", S.legendOpen ? "true" : "false");
  }

  function addZoomAll(cfg) {
    var ctl = L.control({ position: "topleft" });
    ctl.onAdd = function () {
      var bar = el("div", "leaflet-bar sitrep-zoom-all");
      var a = el("a", null, "⤢");
      a.href = "#";
      a.title = "Zoom to all incidents";
      a.setAttribute("role", "button");
      a.setAttribute("aria-label", "Zoom to all incidents");
      bar.appendChild(a);
      L.DomEvent.on(a, "click", function (ev) {
        L.DomEvent.preventDefault(ev);
        if (S.bridge) S.bridge.zoomToAll();
        else zoomTo(cfg.bounds);
      });
      L.DomEvent.disableClickPropagation(bar);
      return bar;
    };
    ctl.addTo(S.map);
  }

  /* A tile layer that cannot load (online tiles with no network, a broken basemap)
   * says so on the map and the offline background is filled in again under it. */
  function watchTiles() {
    function hook(layer) {
      if (!(layer instanceof L.TileLayer) || layer.sitrepWatched) return;
      layer.sitrepWatched = true;
      var loaded = 0, failed = 0;
      layer.on("tileload", function () { loaded += 1; if (loaded > failed) showTileNotice(null); });
      layer.on("tileerror", function () {
        failed += 1;
        if (loaded === 0 || failed > loaded) {
          var online = /^https?:/.test(layer._url || "");
          showTileNotice(online
            ? "Online map tiles could not be loaded (no network connection?). Showing the offline background: country outlines, places and boundaries."
            : "Basemap tiles could not be loaded. Showing the offline background.");
        }
      });
    }
    S.map.eachLayer(hook);
    S.map.on("layeradd", function (ev) { hook(ev.layer); });
  }

  function showTileNotice(text) {
    if (!text) {
      if (S.tileNotice) { S.tileNotice.remove(); S.tileNotice = null; }
      if (S.base && S.cfg.onlineTiles) S.base.setStyle({ fillOpacity: 0 });
      return;
    }
    if (S.base) S.base.setStyle({ fillOpacity: 1 });
    if (S.tileNotice) { S.tileNotice.getContainer().textContent = text; return; }
    var ctl = L.control({ position: "topright" });
    ctl.onAdd = function () { return el("div", "sitrep-panel sitrep-tile-notice", text); };
    S.tileNotice = ctl.addTo(S.map);
  }

  function addTitle(cfg) {
    if (!cfg.title && !cfg.subtitle) return;
    var ctl = L.control({ position: "topright" });
    ctl.onAdd = function () {
      var box = el("div", "sitrep-panel sitrep-title");
      if (cfg.title) box.appendChild(el("h4", null, cfg.title));
      if (cfg.subtitle) box.appendChild(el("div", "sub", cfg.subtitle));
      return box;
    };
    ctl.addTo(S.map);
  }

  function addStatus() {
    var ctl = L.control({ position: "bottomleft" });
    ctl.onAdd = function () {
      S.status = el("div", "sitrep-panel sitrep-status", "");
      return S.status;
    };
    ctl.addTo(S.map);
  }

  var LEVEL_NAMES = ["Countries (imported)", "States/regions", "Districts", "Townships", "Village tracts"];
  var LEVEL_STYLE = [
    { color: "#555", weight: 1.6 }, { color: "#6b4f2a", weight: 1.4 },
    { color: "#8a7350", weight: 1.0, dashArray: "4 3" }, { color: "#a08f74", weight: 0.7 },
    { color: "#b9ab95", weight: 0.5 }
  ];

  function addBackground(cfg, overlays) {
    S.map.createPane("sitrepBase");
    S.map.getPane("sitrepBase").style.zIndex = 250;
    var base = L.geoJSON(cfg.countries, {
      pane: "sitrepBase", interactive: false,
      attribution: "Outlines: Natural Earth (public domain)",
      style: {
        color: "#9c9c9c", weight: 0.8, className: "sitrep-base",
        fillColor: "#f3f0e8", fillOpacity: cfg.onlineTiles ? 0 : 1
      }
    }).addTo(S.map);
    S.base = base;
    overlays["Country outlines"] = base;
    S.map.createPane("sitrepBoundaries");
    S.map.getPane("sitrepBoundaries").style.zIndex = 350;
    cfg.boundaries.forEach(function (layer) {
      var style = LEVEL_STYLE[Math.min(layer.level, LEVEL_STYLE.length - 1)];
      var g = L.geoJSON(layer.data, {
        pane: "sitrepBoundaries",
        style: { color: style.color, weight: style.weight, dashArray: style.dashArray, fill: false },
        onEachFeature: function (feature, lyr) {
          var p = feature.properties || {};
          var tip = el("div", null, p.name + (p.pcode ? " (" + p.pcode + ")" : ""));
          lyr.bindTooltip(tip, { sticky: true });
        }
      }).addTo(S.map);
      overlays[LEVEL_NAMES[layer.level] || ("Level " + layer.level)] = g;
    });
  }

  function init(map, cfg) {
    S.map = map;
    S.cfg = cfg;
    var overlays = {};
    addBackground(cfg, overlays);
    S.points = L.markerClusterGroup({
      // no animation: every move redraws the markers from the new answer anyway, and a
      // cluster being animated cannot be spread out to show the selected incident
      chunkedLoading: true, maxClusterRadius: 40, showCoverageOnHover: false, animate: false,
      iconCreateFunction: clusterIcon
    });
    S.cells = L.layerGroup();
    S.points.addTo(map);
    S.cells.addTo(map);
    map.createPane("sitrepLabels");
    // over tiles and boundaries, under markers: a name never hides a cluster's count
    map.getPane("sitrepLabels").style.zIndex = 450;
    map.getPane("sitrepLabels").style.pointerEvents = "none";
    S.labels = L.layerGroup().addTo(map);
    overlays["Incidents"] = S.points;
    overlays["Place names"] = S.labels;
    var bases = window.SitrepBasemaps ? SitrepBasemaps.add(map, cfg, overlays) : null;
    L.control.layers(bases, overlays, { collapsed: true, position: "topleft" }).addTo(map);
    addZoomAll(cfg);
    addLegend(cfg);
    watchTiles();
    addTitle(cfg);
    addStatus();
    if (cfg.fit) zoomTo(cfg.bounds);
    map.on("click", onMapClick);
    document.addEventListener("keydown", function (ev) {
      if (ev.key === "Escape" && S.picking) setPickMode(false);
    });
    if (cfg.mode === "static") {
      render({ mode: "points", total: cfg.points.length, points: cfg.points, cells: [] });
      if (cfg.labels && cfg.labels.length) {
        map.on("moveend", staticLabels);
        staticLabels();
      }
      window.sitrepReady = true;
      return;
    }
    new QWebChannel(qt.webChannelTransport, function (channel) {
      S.bridge = channel.objects.bridge;
      S.bridge.refreshRequested.connect(requestData);
      S.bridge.missingChanged.connect(function (without) {
        S.cfg.withoutCoordinates = without;
        setStatus(statusText());
      });
      S.bridge.focusRequested.connect(function (json) { focus(JSON.parse(json)); });
      S.bridge.zoomRequested.connect(function (json) { zoomTo(JSON.parse(json)); });
      S.bridge.pickModeRequested.connect(setPickMode);
      if (S.bridge.labelsRefresh) S.bridge.labelsRefresh.connect(requestLabels);
      map.on("moveend", requestData);
      map.on("moveend", requestLabels);
      requestLabels();
      window.sitrepReady = true;
      S.bridge.pageReady();
    });
  }

  function zoomTo(b) {
    if (!b) return;
    S.map.closePopup();
    if (b[2] - b[0] < 1e-4 && b[3] - b[1] < 1e-4) {  // one place: Leaflet cannot fit it
      S.map.setView([(b[1] + b[3]) / 2, (b[0] + b[2]) / 2], 12, { animate: false });
      return;
    }
    S.map.fitBounds([[b[1], b[0]], [b[3], b[2]]], { padding: [20, 20], maxZoom: 12, animate: false });
  }

  /* "Show this incident": the ring goes on the incident's own marker. If the marker
   * sits inside a cluster, the cluster is zoomed into or spread out (spiderfied) until
   * the incident is drawn as itself; only while the view still shows grid counts is a
   * ring drawn at its place instead. */
  function focus(feature) {
    clearSelected();
    S.selectedId = feature ? feature.properties.id : null;
    S.selectedFeature = feature || null;
    if (!feature) return;
    var c = feature.geometry.coordinates, ll = L.latLng(c[1], c[0]);
    S.reveal = true;
    S.map.setView(ll, Math.max(S.map.getZoom(), 10), { animate: false });
    if (!S.bridge) showSelected();  // an exported page has every marker already
  }

  function clearSelected() {
    if (S.selected) { S.map.removeLayer(S.selected); S.selected = null; }
    var old = S.selectedId && S.markersById[S.selectedId];
    if (old) {
      old.setStyle({ color: "#ffffff", weight: 1.5 });
      old.setRadius(7);
      if (old.getElement()) L.DomUtil.removeClass(old.getElement(), "sitrep-selected");
    }
  }

  function markSelected(m) {
    m.setStyle({ color: "#111111", weight: 3.5 });
    m.setRadius(10);
    if (m._map) m.bringToFront();
    if (m.getElement()) L.DomUtil.addClass(m.getElement(), "sitrep-selected");
  }

  function showSelected() {
    var f = S.selectedFeature;
    if (!f) return;
    var m = S.markersById[f.properties.id];
    if (S.selected) { S.map.removeLayer(S.selected); S.selected = null; }
    if (!m) {  // grid counts in view: mark the place
      var c = f.geometry.coordinates, ll = L.latLng(c[1], c[0]);
      S.selected = L.circleMarker(ll, {
        radius: 13, color: "#111", weight: 3, fill: false, interactive: false
      }).addTo(S.map);
      if (S.reveal) {
        S.reveal = false;
        L.popup({ offset: L.point(0, -6), autoPan: true })
          .setLatLng(ll).setContent(popupContent(f.properties)).openOn(S.map);
      }
      return;
    }
    markSelected(m);
    if (!S.reveal) return;
    var parent = S.points.getVisibleParent(m);
    if (m._map || !parent) { S.reveal = false; openStill(m); return; }
    // inside a cluster: spread it out when its incidents share one spot (or no zoom is
    // left); otherwise zoom in on the incident, and look again when that view's data came
    var b = parent.getBounds(), sameSpot = b.getNorthEast().distanceTo(b.getSouthWest()) < 1;
    if (sameSpot || S.map.getZoom() >= S.map.getMaxZoom()) {
      S.reveal = false;
      parent.spiderfy();
      markSelected(m);
      openStill(m);
    } else {
      S.map.setView(m.getLatLng(), Math.min(S.map.getZoom() + 2, S.map.getMaxZoom()), { animate: false });
    }
  }

  /* The popup without panning the map: a move would fetch and redraw the markers,
   * closing the popup and folding a spread-out cluster again. */
  function openStill(m) {
    var popup = m.getPopup();
    if (!popup) return;
    popup.options.autoPan = false;
    m.openPopup();
    popup.options.autoPan = true;
  }

  function setPickMode(on) {
    S.picking = !!on;
    var c = S.map.getContainer();
    if (S.picking) {
      S.map.closePopup();
      L.DomUtil.addClass(c, "sitrep-pick");
      setStatus("Click the map to set the incident's location (Esc to cancel)");
      if (S.status) L.DomUtil.addClass(S.status, "sitrep-banner");
    } else {
      L.DomUtil.removeClass(c, "sitrep-pick");
      if (S.status) L.DomUtil.removeClass(S.status, "sitrep-banner");
      if (S.bridge) requestData();
    }
  }

  function onMapClick(ev) {
    if (!S.picking) return;
    var lat = ev.latlng.lat, lon = L.Util.wrapNum(ev.latlng.lng, [-180, 180], true);
    if (S.pickMarker) S.map.removeLayer(S.pickMarker);
    S.pickMarker = L.circleMarker([lat, lon], {
      radius: 8, color: "#000", weight: 2, fillColor: "#ffe14d", fillOpacity: 1, interactive: false
    }).addTo(S.map);
    setPickMode(false);
    if (S.bridge) S.bridge.locationPicked(lat, lon);
  }

  window.SitrepMap = {
    init: init,
    focus: focus,
    zoomTo: zoomTo,
    setPickMode: setPickMode,
    /* for tests and diagnostics */
    stats: function () {
      return {
        mode: S.lastMode, points: S.pointCount, cellTotal: S.cellTotal,
        shown: S.pointCount + S.cellTotal, generation: S.rendered,
        pending: S.inFlight || S.dirty || S.generation !== S.rendered,
        zoom: S.map.getZoom(), center: [S.map.getCenter().lat, S.map.getCenter().lng],
        picking: S.picking, labels: S.labelsShown.slice(), labelGeneration: S.labelGeneration,
        labelsPending: S.labelsInFlight || S.labelsDirty, legendOpen: S.legendOpen,
        selected: S.selectedId, reveal: S.reveal,
        selectedShownAsItself: !!(S.selectedId && S.markersById[S.selectedId] &&
          S.markersById[S.selectedId]._map)
      };
    },
    setLegendOpen: setLegendOpen,
    leaflet: function () { return S.map; },
    openPopup: function (id) {
      var m = S.markersById[id];
      if (!m) return false;
      if (m._map) m.openPopup();  // drawn on its own, not inside a cluster
      else S.points.zoomToShowLayer(m, function () { m.openPopup(); });
      return true;
    },
    ids: function () { return Object.keys(S.markersById); },
    markerPoint: function (id) {
      var m = S.markersById[id];
      if (!m || !m._map) return null;
      var pt = S.map.latLngToContainerPoint(m.getLatLng());
      return [pt.x, pt.y];
    },
    latLngAt: function (x, y) {
      var ll = S.map.containerPointToLatLng(L.point(x, y));
      return [ll.lat, ll.lng];
    },
    popupText: function () {
      var nodes = document.querySelectorAll(".leaflet-popup-content");
      return Array.prototype.map.call(nodes, function (n) { return n.textContent; }).join("\n");
    }
  };
})();

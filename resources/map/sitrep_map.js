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
    inFlight: false, dirty: false
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
      var inner = el("div", "sitrep-cell", label);
      inner.style.width = size + "px";
      inner.style.height = size + "px";
      inner.style.background = cell.colour;
      node.appendChild(inner);
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

  function addLegend(cfg) {
    var legend = L.control({ position: "bottomright" });
    legend.onAdd = function () {
      var box = el("div", "sitrep-panel sitrep-legend");
      box.appendChild(el("h4", null, "Event type"));
      cfg.legend.forEach(function (item) {
        var row = el("div", "sitrep-legend-row");
        var sw = el("span", "sitrep-swatch");
        sw.style.background = item.colour;
        row.appendChild(sw);
        row.appendChild(el("span", null, item.type));
        box.appendChild(row);
      });
      L.DomEvent.disableClickPropagation(box);
      return box;
    };
    legend.addTo(S.map);
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
        color: "#9c9c9c", weight: 0.8,
        fillColor: "#f3f0e8", fillOpacity: cfg.onlineTiles ? 0 : 1
      }
    }).addTo(S.map);
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
      chunkedLoading: true, maxClusterRadius: 40, showCoverageOnHover: false
    });
    S.cells = L.layerGroup();
    S.points.addTo(map);
    S.cells.addTo(map);
    overlays["Incidents"] = S.points;
    var bases = window.SitrepBasemaps ? SitrepBasemaps.add(map, cfg, overlays) : null;
    L.control.layers(bases, overlays, { collapsed: true, position: "topleft" }).addTo(map);
    addLegend(cfg);
    addTitle(cfg);
    addStatus();
    if (cfg.fit) zoomTo(cfg.bounds);
    map.on("click", onMapClick);
    document.addEventListener("keydown", function (ev) {
      if (ev.key === "Escape" && S.picking) setPickMode(false);
    });
    if (cfg.mode === "static") {
      render({ mode: "points", total: cfg.points.length, points: cfg.points, cells: [] });
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
      map.on("moveend", requestData);
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

  function focus(feature) {
    if (S.selected) { S.map.removeLayer(S.selected); S.selected = null; }
    if (!feature) return;
    var c = feature.geometry.coordinates, ll = L.latLng(c[1], c[0]);
    S.selected = L.circleMarker(ll, {
      radius: 13, color: "#111", weight: 3, fill: false, interactive: false
    }).addTo(S.map);
    S.map.setView(ll, Math.max(S.map.getZoom(), 10), { animate: false });
    L.popup({ offset: L.point(0, -6), autoPan: true })
      .setLatLng(ll).setContent(popupContent(feature.properties)).openOn(S.map);
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
        picking: S.picking
      };
    },
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

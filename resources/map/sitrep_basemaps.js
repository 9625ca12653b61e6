/* Sitrep offline basemaps (our own code): the project's MBTiles/PMTiles files as
 * Leaflet base layers.
 *
 * In the app, tiles come from the page's own URL scheme (sitrep-map:, answered by
 * Python from the files); in an exported HTML map they are embedded (base64) for the
 * map's extent. Raster tiles are ordinary Leaflet tile layers. Vector tiles are drawn
 * by protomaps-leaflet (canvas, no WebGL) with a plain style built from the layer
 * names the file declares: any schema (OpenMapTiles, Protomaps, a QGIS export) gets
 * water in blue, land cover in pale tints, roads and boundaries as lines, and names
 * as labels. Nothing here ever asks the network for anything.
 */
(function () {
  "use strict";

  var BLANK = "data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7";
  var OUTLINES_ONLY = "Outlines only (offline)";

  function toBuffer(b64) {
    var bin = atob(b64), n = bin.length, bytes = new Uint8Array(n);
    for (var i = 0; i < n; i++) bytes[i] = bin.charCodeAt(i);
    return bytes.buffer;
  }

  function tileUrl(b, z, x, y) {
    return b.url.replace("{z}", z).replace("{x}", x).replace("{y}", y);
  }

  function llBounds(b) {
    var w = b.bounds[0], s = b.bounds[1], e = b.bounds[2], n = b.bounds[3];
    return L.latLngBounds([[s, w], [n, e]]);
  }

  function rasterLayer(b) {
    var options = {
      maxZoom: 18, minNativeZoom: b.minZoom, maxNativeZoom: b.maxNativeZoom,
      attribution: b.attribution, bounds: llBounds(b), errorTileUrl: BLANK
    };
    if (b.url) return L.tileLayer(b.url, options);
    var Embedded = L.TileLayer.extend({
      getTileUrl: function (c) {
        var data = b.tiles[c.z + "/" + c.x + "/" + c.y];
        return data ? "data:" + b.mime + ";base64," + data : BLANK;
      }
    });
    return new Embedded("", options);
  }

  /* protomaps-leaflet reads tiles from any object with getZxy(z, x, y, signal). */
  function vectorSource(b) {
    if (b.url) {
      return {
        getZxy: function (z, x, y, signal) {
          return fetch(tileUrl(b, z, x, y), { signal: signal })
            .then(function (r) { return r.ok ? r.arrayBuffer() : null; })
            .then(function (data) { return data && data.byteLength ? { data: data } : undefined; })
            .catch(function () { return undefined; });
        }
      };
    }
    return {
      getZxy: function (z, x, y) {
        var data = b.tiles[z + "/" + x + "/" + y];
        return Promise.resolve(data ? { data: toBuffer(data) } : undefined);
      }
    };
  }

  function kindOf(name) {
    var n = name.toLowerCase();
    if (/water|ocean|lake|river|sea/.test(n)) return n.indexOf("way") >= 0 ? "waterway" : "water";
    if (/road|transport|street|highway|rail/.test(n)) return "road";
    if (/bound|admin/.test(n)) return "boundary";
    if (/place|poi|label|settlement|town|city/.test(n)) return "place";
    if (/build/.test(n)) return "building";
    return "land";
  }

  function geom(type) {
    return function (z, f) { return f.geomType === type; };
  }

  function vectorRules(layers) {
    var P = protomapsL, paint = [], labels = [];
    var POLY = 3, LINE = 2, POINT = 1;
    layers.forEach(function (name) {
      var kind = kindOf(name);
      if (kind === "water") {
        paint.push({ dataLayer: name, filter: geom(POLY), symbolizer: new P.PolygonSymbolizer({ fill: "#b9d3e6" }) });
        paint.push({ dataLayer: name, filter: geom(LINE), symbolizer: new P.LineSymbolizer({ color: "#8fb6d6", width: 1.2 }) });
      } else if (kind === "waterway") {
        paint.push({ dataLayer: name, symbolizer: new P.LineSymbolizer({ color: "#8fb6d6", width: 1.2 }) });
      } else if (kind === "road") {
        paint.push({ dataLayer: name, filter: geom(LINE), symbolizer: new P.LineSymbolizer({ color: "#a39584", width: 1.4 }) });
        labels.push({ dataLayer: name, filter: geom(LINE), symbolizer: new P.LineLabelSymbolizer({ fill: "#5b5247", stroke: "#ffffff", width: 2, fontSize: 11 }) });
      } else if (kind === "boundary") {
        paint.push({ dataLayer: name, filter: geom(LINE), symbolizer: new P.LineSymbolizer({ color: "#9a7fa8", width: 1, dash: [4, 3] }) });
      } else if (kind === "building") {
        paint.push({ dataLayer: name, filter: geom(POLY), symbolizer: new P.PolygonSymbolizer({ fill: "#ddd6cc" }) });
      } else if (kind === "land") {
        paint.push({ dataLayer: name, filter: geom(POLY), symbolizer: new P.PolygonSymbolizer({ fill: "#e4ecd9", opacity: 0.8, stroke: "#cbd8bb", width: 0.5 }) });
        paint.push({ dataLayer: name, filter: geom(LINE), symbolizer: new P.LineSymbolizer({ color: "#b8b0a2", width: 0.8 }) });
      }
      if (kind === "place" || kind === "land" || kind === "water") {
        labels.push({ dataLayer: name, filter: geom(POINT), symbolizer: new P.CenteredTextSymbolizer({ fill: "#333333", stroke: "#ffffff", width: 2, fontSize: 12 }) });
      }
    });
    return { paint: paint, labels: labels };
  }

  function vectorLayer(b) {
    if (!window.protomapsL) return null;  // the page was built without the vector renderer
    var rules = vectorRules(b.layers || []);
    return protomapsL.leafletLayer({
      url: vectorSource(b), paintRules: rules.paint, labelRules: rules.labels,
      maxDataZoom: b.maxNativeZoom, attribution: b.attribution, bounds: llBounds(b),
      backgroundColor: "#f3f0e8", maxZoom: 18
    });
  }

  /* Base layers for the layer control; the first basemap is shown. The country outlines
   * (an overlay) stop filling land while a basemap is under them. */
  function add(map, cfg, overlays) {
    var list = cfg.basemaps || [];
    if (!list.length) return null;
    var bases = {}, outlines = overlays["Country outlines"];
    bases[OUTLINES_ONLY] = L.layerGroup();
    var first = null;
    list.forEach(function (b) {
      var layer = b.vector ? vectorLayer(b) : rasterLayer(b);
      if (!layer) return;
      bases[b.name] = layer;
      layer.sitrepBasemap = true;
      if (!first) first = layer;
    });
    function fill(on) {
      if (outlines && outlines.setStyle) outlines.setStyle({ fillOpacity: on && !cfg.onlineTiles ? 1 : 0 });
    }
    map.on("baselayerchange", function (ev) { fill(!ev.layer.sitrepBasemap); });
    if (first) { first.addTo(map); fill(false); } else { bases[OUTLINES_ONLY].addTo(map); }
    return bases;
  }

  window.SitrepBasemaps = { add: add, names: function (cfg) {
    return (cfg.basemaps || []).map(function (b) { return b.name; });
  } };
})();

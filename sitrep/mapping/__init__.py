"""The map, without Qt: the Leaflet page (built with folium), its offline assets, and
the data it shows (GeoJSON points, per-viewport grid aggregates, boundaries)."""

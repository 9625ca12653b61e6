"""Place names, gazetteers, admin areas, and the offline basemaps drawn under them."""

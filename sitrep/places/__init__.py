"""Place names, gazetteers and admin areas."""

"""The PySide6 shell: shows what the core computes. Nothing outside this package imports Qt."""

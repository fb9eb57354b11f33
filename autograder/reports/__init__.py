"""Renderings of results: terminal tables, JSON/CSV exports, feedback pages, Gradescope."""

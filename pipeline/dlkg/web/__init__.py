"""The web part of dlkg: `server/` (HTTP front, worker pool) and `site/` (routes, pages).

They meet only at `http.py` (the contract) and `guard.py` (query checks); docs/web.md.
"""

"""dlkg: the deep-learning papers knowledge graph."""

__version__ = "0.1.0"

"""Chinese policy documents in, tables of commitments out.

``pipeline.extract(paths_or_texts)`` returns the tables as DataFrames, ``pipeline.load(out_dir)``
reads a dataset back; the command line is ``python -m pipeline``. Imports are lazy so that
``import pipeline`` stays cheap in worker processes.
"""
__version__ = "0.1.0"
__all__ = ["extract", "load", "Tables", "__version__"]


def __getattr__(name: str):
    if name in ("extract", "load", "Tables"):
        from pipeline import api

        return getattr(api, name)
    raise AttributeError(f"module 'pipeline' has no attribute {name!r}")

"""Batch and distributed runs: many projects' report bundles in one command, on a Dask
LocalCluster or an existing Dask cluster, resumable."""

from .manifest import BatchItem, read_manifest
from .portfolio import combined_scores, load_batch
from .runner import batch, bundle_complete, main_summary_text, run_one

__all__ = [
    "BatchItem",
    "batch",
    "bundle_complete",
    "combined_scores",
    "load_batch",
    "main_summary_text",
    "read_manifest",
    "run_one",
]

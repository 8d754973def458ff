"""Batches without HTTP: each item's whole pipeline in one call (:func:`make_video`), locally or
as tasks on a Dask cluster (:func:`run_batch`)."""

from ._dask import run_batch
from ._pipeline import BATCH_TOOLS, ItemPlan, make_video, plan_item

__all__ = ["BATCH_TOOLS", "ItemPlan", "make_video", "plan_item", "run_batch"]

"""Running the pipeline over many documents: inputs, the batch with its workers and limits, the
cache of processed documents, and the publication of a dataset that is never half-written."""

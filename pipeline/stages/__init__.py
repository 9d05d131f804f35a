"""The per-document stages before the extractors: ingest → clean → metadata → structure →
sentences (with tokens, numbers and the indicator lexicon they read), and the contract tables
a processed document becomes (`tables`)."""

"""Scores predicted tables against the gold annotations (data/gold/*.json).

The rules are those at the end of docs/GOLD.md ("How a prediction is scored against gold"),
one module per field:

- targets (targets.py): a predicted target matches a gold target of the same document when its
  `text` contains the gold quote (or the quote contains the text), the values are equal
  (relative difference < 1e-6) and the units are the same (名/人/位 count as one unit); the
  strict score also requires the comparator. entity_action.py: the share of matched targets
  whose entity / action overlaps the gold one.
- deadlines.py / owners.py: distinct (section, date) / (section, name) pairs per document
  (pairs.py). A gold item's section is the `section_id` of a predicted commitment whose text
  contains its quote.
- sections.py: number and level equal, one title contains the other; one-to-one.
- metadata.py: issuer, region, year of the document.
- annotation.py: the fields a gold file or folder does not annotate; they are not scored and
  the report says "not annotated".

loading.py reads both sides, text.py makes the comparison key of strings (the pipeline's
`normalise`, NFKC, punctuation folded, no whitespace), document.py and scoring.py put the fields
together, report.py prints. The command is `python -m pipeline evaluate`.
"""
from pipeline.tools.evaluate.loading import TABLES, load_gold, load_predictions
from pipeline.tools.evaluate.report import format_errors, format_report
from pipeline.tools.evaluate.scoring import evaluate

__all__ = ["TABLES", "evaluate", "format_errors", "format_report", "load_gold", "load_predictions"]

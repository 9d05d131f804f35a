"""`python -m pipeline.tools.cli …` is `python -m pipeline …`."""
from pipeline.tools.cli import main

main(prog_name="python -m pipeline")

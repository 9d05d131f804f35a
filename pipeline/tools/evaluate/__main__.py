"""`python -m pipeline.tools.evaluate …` is `python -m pipeline evaluate …`."""
import sys

from pipeline.tools.cli import main

main(["evaluate", *sys.argv[1:]], prog_name="python -m pipeline")

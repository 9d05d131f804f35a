"""For the people who run and develop it: the command line, evaluation against gold, training."""

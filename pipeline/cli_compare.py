"""Commands for comparing plans across documents (compare, report): registered on `main`."""

"""Reading what a run showed: the table of what the lecture prints, and the parsers that read it."""

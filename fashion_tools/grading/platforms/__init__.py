"""The learning platforms: their gradebooks, results and feedback written back (their downloads are read in intake/)."""

"""A handed-in file into the text it shows: one module per format."""

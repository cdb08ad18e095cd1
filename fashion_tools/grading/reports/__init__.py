"""What a person or a program reads of the grades: the table, CSV, JSON, feedback files."""

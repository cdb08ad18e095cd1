"""The learning platforms: their downloads read into students, their gradebooks and feedback written back."""

"""Input data: reading, typing, privacy and validation (``DATA.md``)."""

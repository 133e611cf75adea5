"""Writes of the nämnd's year-end follow-up, each in a transaction with its audit row."""

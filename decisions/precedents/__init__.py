"""Precedents: earlier decisions, here or elsewhere, that records cite."""

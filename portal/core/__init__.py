"""Shared kernel: permissions, errors, signals, model mixins, time and locale helpers."""

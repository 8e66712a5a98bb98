"""The demo school and the district generator: realistic, deterministic data of any size."""

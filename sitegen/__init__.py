"""Builds the static guidance site: pages, the checker wheel and the Pyodide runtime."""

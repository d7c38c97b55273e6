"""Analyst reports: the notebooks' loaders, figures and tables, and their execution with papermill."""

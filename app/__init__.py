"""Swara's server: serves the page, the bundled JS, the models and their manifest.

It accepts no audio, ever: there is no route that takes a request body.
"""
from app.main import create_app

__all__ = ["create_app"]

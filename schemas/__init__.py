"""Pydantic models: they validate requests, shape responses and write the OpenAPI document."""

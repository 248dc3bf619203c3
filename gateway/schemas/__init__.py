"""Pydantic request/response models, named as the seed's schemas where it names them."""

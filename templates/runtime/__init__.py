"""The hand-written runtime of a generated client: HTTP transport, retries, errors,
credentials, parameter and body encoding, streaming and response models.

Generated modules import from here; these files are copied unchanged into every
generated package, so they depend on httpx and pydantic alone.
"""

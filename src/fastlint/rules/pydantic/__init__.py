"""FST6xx: Pydantic models and settings (v2 API, configuration read through settings, documented
and strict models)."""

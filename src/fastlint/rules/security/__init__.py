"""FST4xx: security. Rules that guard production incidents: wildcard CORS, leaked exception
details, hard-coded secrets, weak password hashes, JWT verification turned off, sensitive fields
in response models, outbound calls without a timeout, debug settings in application code."""

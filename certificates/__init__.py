"""Certificates, credentials and verification (built in the certificates issue)."""

"""The foundation layer: plain types, errors, settings, cancel tokens, secrets, data at rest, privacy.

It imports nothing else of Sillok's, so every other layer can import it (ARCHITECTURE.md)."""

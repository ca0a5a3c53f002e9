"""The service layer: the facade (`sillok.service.facade.Sillok`), the composition root that builds the
local or office backends, retrieval, answering, conversations and audit (ARCHITECTURE.md)."""

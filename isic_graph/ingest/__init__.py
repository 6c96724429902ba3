"""Networks' submissions into the store: documents, CSV sheets, the form, ownership, identity, validated ingestion."""

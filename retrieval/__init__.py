"""Catalog ingestion, embeddings, indexes, hybrid search and ranking."""

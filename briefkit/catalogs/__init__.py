"""Gettext catalogs: reading and writing .pot/.po, strict syntax, merging templates, statistics."""

"""Documents on the file: identity papers, donor letters, receipts, photos, stored, scanned, audited."""
